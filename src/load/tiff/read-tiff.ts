import { fromFile, type GeoTIFFImage } from 'geotiff';
import type { LogicalType } from '../../adapters/contract.js';
import { LoadFileError } from '../load-file-error.js';

/** What a TIFF's first image declares, as one metadata row. */
export interface TiffMetadata {
  readonly width: number;
  readonly height: number;
  readonly bands: number;
  /** `uint8`, `int16`, `float32`, ... */
  readonly sampleType: string;
  readonly bitsPerSample: number;
  readonly images: number;
  readonly xResolution: number | null;
  readonly yResolution: number | null;
  readonly resolutionUnit: string | null;
  readonly originX: number | null;
  readonly originY: number | null;
  readonly pixelWidth: number | null;
  readonly pixelHeight: number | null;
  readonly epsg: number | null;
  /** GeoKeys as JSON text, when present. */
  readonly geoKeys: string | null;
  readonly noData: number | null;
}

/** The metadata table's columns, in order, with their types. */
export const TIFF_METADATA_COLUMNS: readonly { name: string; type: LogicalType; of: keyof TiffMetadata }[] = [
  { name: 'width', type: 'integer', of: 'width' },
  { name: 'height', type: 'integer', of: 'height' },
  { name: 'bands', type: 'integer', of: 'bands' },
  { name: 'sample_type', type: 'text', of: 'sampleType' },
  { name: 'bits_per_sample', type: 'integer', of: 'bitsPerSample' },
  { name: 'images', type: 'integer', of: 'images' },
  { name: 'x_resolution', type: 'double', of: 'xResolution' },
  { name: 'y_resolution', type: 'double', of: 'yResolution' },
  { name: 'resolution_unit', type: 'text', of: 'resolutionUnit' },
  { name: 'origin_x', type: 'double', of: 'originX' },
  { name: 'origin_y', type: 'double', of: 'originY' },
  { name: 'pixel_width', type: 'double', of: 'pixelWidth' },
  { name: 'pixel_height', type: 'double', of: 'pixelHeight' },
  { name: 'epsg', type: 'integer', of: 'epsg' },
  { name: 'geo_keys', type: 'json', of: 'geoKeys' },
  { name: 'no_data', type: 'double', of: 'noData' },
];

/** An opened TIFF: its metadata, the type of its pixel values, and its pixels in blocks of rows. */
export interface OpenedTiff {
  readonly metadata: TiffMetadata;
  readonly valueType: LogicalType;
  /** Pixel rows `[band, x, y, value]` (band 1-based) in file order: row by row, pixel by pixel, band by band. */
  pixels(): AsyncGenerator<readonly [number, number, number, number]>;
}

/**
 * Opens a TIFF (reading only what it needs from disk) and checks its declared size against
 * `maxPixels` before decoding anything, so an absurd declaration is refused at once.
 */
export async function openTiff(file: string, maxPixels: number): Promise<OpenedTiff> {
  let image: GeoTIFFImage;
  let images: number;
  try {
    const tiff = await fromFile(file);
    images = await tiff.getImageCount();
    image = await tiff.getImage(0);
  } catch (error) {
    throw new LoadFileError(`not a readable TIFF: ${(error as Error).message}`, {}, 'shape');
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const bands = image.getSamplesPerPixel();
  const values = width * height * bands;
  if (!Number.isFinite(values) || values > maxPixels || width <= 0 || height <= 0) {
    throw new LoadFileError(
      `the TIFF declares ${width.toLocaleString('en-US')} × ${height.toLocaleString('en-US')} pixels × ${bands} band${bands === 1 ? '' : 's'} (${values.toLocaleString('en-US')} values), more than max_pixels ${maxPixels.toLocaleString('en-US')}`,
      {},
      'limit',
    );
  }
  const format = image.getSampleFormat(0) ?? 1;
  const bits = image.getBitsPerSample(0);
  const sampleType = `${format === 3 ? 'float' : format === 2 ? 'int' : 'uint'}${bits}`;
  const valueType: LogicalType = format === 3 ? 'double' : bits < 32 || (bits === 32 && format === 2) ? (bits <= 16 ? 'integer' : 'bigint') : 'bigint';
  const metadata: TiffMetadata = {
    width,
    height,
    bands,
    sampleType,
    bitsPerSample: bits,
    images,
    ...resolution(image),
    ...geo(image),
  };
  const rowsPerBlock = Math.max(1, Math.floor(262_144 / (width * bands)));
  return {
    metadata,
    valueType,
    async *pixels() {
      for (let y0 = 0; y0 < height; y0 += rowsPerBlock) {
        const y1 = Math.min(height, y0 + rowsPerBlock);
        let rasters: ArrayLike<ArrayLike<number>>;
        try {
          rasters = (await image.readRasters({ window: [0, y0, width, y1], interleave: false })) as unknown as ArrayLike<ArrayLike<number>>;
        } catch (error) {
          throw new LoadFileError(`cannot decode the pixels of rows ${y0 + 1}–${y1}: ${(error as Error).message}`, {}, 'shape');
        }
        for (let y = y0; y < y1; y++) {
          for (let x = 0; x < width; x++) {
            const offset = (y - y0) * width + x;
            for (let b = 0; b < bands; b++) yield [b + 1, x, y, rasters[b]![offset]!] as const;
          }
        }
      }
    },
  };
}

function resolution(image: GeoTIFFImage): Pick<TiffMetadata, 'xResolution' | 'yResolution' | 'resolutionUnit'> {
  const dir = image.getFileDirectory();
  const tag = (id: number): unknown => {
    try {
      return (dir.getValue as (t: number) => unknown).call(dir, id);
    } catch {
      return undefined;
    }
  };
  const rational = (id: number): number | null => {
    const v = tag(id);
    if (typeof v === 'number') return v;
    if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      const a = v as ArrayLike<number>;
      return a.length >= 2 && a[1] ? a[0]! / a[1] : a.length ? (a[0] ?? null) : null;
    }
    return null;
  };
  const unit = tag(296);
  return {
    xResolution: rational(282),
    yResolution: rational(283),
    resolutionUnit: unit === 2 ? 'inch' : unit === 3 ? 'centimeter' : unit === 1 ? 'none' : null,
  };
}

function geo(image: GeoTIFFImage): Pick<TiffMetadata, 'originX' | 'originY' | 'pixelWidth' | 'pixelHeight' | 'epsg' | 'geoKeys' | 'noData'> {
  const attempt = <T>(work: () => T): T | null => {
    try {
      return work();
    } catch {
      return null;
    }
  };
  const origin = attempt(() => image.getOrigin());
  const size = attempt(() => image.getResolution());
  const keys = attempt(() => image.getGeoKeys());
  const epsg = keys ? ((keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey) as number | undefined) : undefined;
  return {
    originX: origin?.[0] ?? null,
    originY: origin?.[1] ?? null,
    pixelWidth: size?.[0] ?? null,
    pixelHeight: size?.[1] ?? null,
    epsg: typeof epsg === 'number' ? epsg : null,
    geoKeys: keys && Object.keys(keys).length ? JSON.stringify(keys) : null,
    noData: attempt(() => image.getGDALNoData()),
  };
}
