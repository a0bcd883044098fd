/**
 * Per-instrument, per-minute trade features that are awkward in SQL: an exponentially weighted
 * moving average of the price carried across minutes (each value depends on the previous one), the
 * longest runs of consecutive buyer- and seller-initiated trades (a state machine over the tape),
 * and the realized volatility of trade-to-trade log returns.
 *
 * A transformer: Strata bundles this file, runs `transform` in a worker of its own that can read
 * only `stg_trades` and write only its own `dt_trade_features` table, then builds the model
 * `trade_features` from it like any table (tests, docs and lineage included). It runs again when
 * this file or its input changes (`strata run --changed`, `strata watch`).
 */
import type { Transformer, TransformerRow } from 'stratasql/transformer';

/** Weight of the newest price in the moving average. */
const ALPHA = 0.2;

interface MinuteState {
  instrument_id: number;
  bar_minute: string;
  trade_count: number;
  ewma_price: number;
  longest_buy_run: number;
  longest_sell_run: number;
  squared_returns: number;
  returns: number;
}

const transformer: Transformer = {
  description: 'Per-instrument, per-minute trade features computed in TypeScript: EWMA price, longest buy and sell runs, realized volatility.',
  inputs: { refs: ['stg_trades'] },
  columns: {
    instrument_id: 'integer',
    bar_minute: 'timestamp',
    trade_count: 'integer',
    ewma_price: 'decimal(18,4)',
    longest_buy_run: 'integer',
    longest_sell_run: 'integer',
    realized_vol_bps: 'decimal(18,4)',
  },
  config: { tags: ['features'] },
  timeoutSeconds: 60,
  async transform(ctx) {
    const trades = await ctx.read('stg_trades', {
      columns: ['instrument_id', 'traded_at_utc', 'trade_id', 'price', 'side'],
      orderBy: ['instrument_id', 'traded_at_utc', 'trade_id'],
    });
    const out: TransformerRow[] = [];
    let current: MinuteState | undefined;
    let ewma = 0;
    let lastPrice = 0;
    let run = { side: '', length: 0 };
    const flush = (): void => {
      if (!current) return;
      const vol = current.returns > 1 ? Math.sqrt(current.squared_returns / (current.returns - 1)) * 10_000 : 0;
      out.push({
        instrument_id: current.instrument_id,
        bar_minute: current.bar_minute,
        trade_count: current.trade_count,
        ewma_price: current.ewma_price.toFixed(4),
        longest_buy_run: current.longest_buy_run,
        longest_sell_run: current.longest_sell_run,
        realized_vol_bps: vol.toFixed(4),
      });
    };
    for (const trade of trades) {
      const instrument = Number(trade.instrument_id);
      const minute = `${String(trade.traded_at_utc).slice(0, 16)}:00`;
      const price = Number(trade.price);
      const side = String(trade.side);
      const newInstrument = !current || current.instrument_id !== instrument;
      if (newInstrument || current!.bar_minute !== minute) {
        flush();
        if (newInstrument) {
          ewma = price;
          lastPrice = price;
        }
        run = { side: '', length: 0 };
        current = { instrument_id: instrument, bar_minute: minute, trade_count: 0, ewma_price: ewma, longest_buy_run: 0, longest_sell_run: 0, squared_returns: 0, returns: 0 };
      }
      const state = current!;
      ewma = ALPHA * price + (1 - ALPHA) * ewma;
      if (lastPrice > 0 && price > 0 && state.trade_count > 0) {
        const r = Math.log(price / lastPrice);
        state.squared_returns += r * r;
        state.returns += 1;
      }
      lastPrice = price;
      run = side === run.side ? { side, length: run.length + 1 } : { side, length: 1 };
      if (side === 'B') state.longest_buy_run = Math.max(state.longest_buy_run, run.length);
      if (side === 'S') state.longest_sell_run = Math.max(state.longest_sell_run, run.length);
      state.trade_count += 1;
      state.ewma_price = ewma;
    }
    flush();
    await ctx.write(out);
    ctx.log(`${out.length} feature rows from ${trades.length} trades`);
  },
};

export default transformer;
