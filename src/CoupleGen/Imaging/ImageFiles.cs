using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using CoupleGen.Errors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Imaging;

/// <summary>
/// Reads and writes image files with CoupleGen's guarantees: the size is checked from the header
/// before any pixel is decoded, EXIF orientation is applied, every failure is an
/// <see cref="InvalidImageException"/> naming the file, and writes are atomic. JPEGs are decoded with
/// the system's TurboJPEG library when it has one (see <see cref="Native.CoupleGenRuntime.NativeJpegDecodingEnabled"/>).
/// </summary>
public static class ImageFiles
{
    /// <summary>The default limit on decoded pixels: 64 megapixels (e.g. 8192x8192), about 200 MB as RGB.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>The default limit on an encoded image's size: 256 MiB.</summary>
    public const long DefaultMaxFileBytes = 256L * 1024 * 1024;

    /// <summary>Loads an image file as RGB, upright (EXIF orientation applied).</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxPixels">The largest width x height accepted, checked before decoding.</param>
    /// <returns>A new image the caller owns.</returns>
    /// <param name="maxFileBytes">The largest file accepted, checked before reading.</param>
    /// <exception cref="InvalidImageException">The file is missing, unreadable, of an unknown format, corrupt, or too large.</exception>
    public static Image<Rgb24> Load(string path, long maxPixels = DefaultMaxPixels, long maxFileBytes = DefaultMaxFileBytes) =>
        Load(path, maxPixels, maxFileBytes, acceptedFormats: null);

    /// <summary>Loads an image file as RGB, upright, accepting only some formats.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxPixels">The largest width x height accepted, checked before decoding.</param>
    /// <param name="maxFileBytes">The largest file accepted, checked before reading.</param>
    /// <param name="acceptedFormats">Format names (ImageSharp's: PNG, JPEG, BMP, GIF, TGA, TIFF, WEBP, PBM), case-insensitive; <see langword="null"/> for all.</param>
    /// <returns>A new image the caller owns.</returns>
    /// <exception cref="InvalidImageException">The file is missing, unreadable, of an unknown or unaccepted format, corrupt, or too large.</exception>
    public static Image<Rgb24> Load(string path, long maxPixels, long maxFileBytes, IReadOnlyCollection<string>? acceptedFormats)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidImageException(path, "the file does not exist.", new FileNotFoundException(null, path));
        }

        try
        {
            using FileStream stream = File.OpenRead(path);
            if (stream.Length > maxFileBytes)
            {
                throw new InvalidImageException(path, $"the file is {stream.Length:N0} bytes, more than the limit of {maxFileBytes:N0}.");
            }

            return Decode(stream, path, maxPixels, acceptedFormats);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException(path, ex.Message, ex);
        }
    }

    /// <summary>Loads an image from a seekable or non-seekable stream as RGB, upright.</summary>
    /// <param name="stream">The encoded image.</param>
    /// <param name="name">A name for the stream in error messages, e.g. its origin.</param>
    /// <param name="maxPixels">The largest width x height accepted, checked before decoding.</param>
    /// <returns>A new image the caller owns.</returns>
    /// <exception cref="InvalidImageException">The data is of an unknown format, corrupt, or too large.</exception>
    public static Image<Rgb24> Load(Stream stream, string name = "stream", long maxPixels = DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            buffer.Position = 0;
            stream = buffer;
        }

        try
        {
            return Decode(stream, name, maxPixels, acceptedFormats: null);
        }
        catch (IOException ex)
        {
            throw new InvalidImageException(name, ex.Message, ex);
        }
    }

    /// <summary>
    /// Writes an image atomically: to a temporary file beside the target, then renamed over it. The format
    /// follows the extension; PNGs are compressed at <see cref="PngCompressionLevel.BestSpeed"/>.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="path">The target file; its folder is created if missing.</param>
    /// <exception cref="InvalidImageException">The extension names no known image format.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(Image image, string path) => Save(image, path, PngCompressionLevel.BestSpeed);

    /// <summary>Writes an image atomically (see <see cref="Save(Image, string)"/>) with a chosen PNG compression level.</summary>
    /// <param name="image">The image.</param>
    /// <param name="path">The target file; its folder is created if missing.</param>
    /// <param name="pngCompression">
    /// The zlib level for PNG files (ignored for other formats). At level 1 (<see cref="PngCompressionLevel.BestSpeed"/>)
    /// an RGB image without metadata profiles is written by CoupleGen's own encoder (every row with PNG's Up
    /// filter, deflated by .NET's zlib with run-length matching): a photo-like 256x256 partner in 1.8-2.2 ms
    /// instead of 4.9-10.4 ms, for files as small as ImageSharp's level 1. Other images and levels use ImageSharp's encoder
    /// (level 6, its default, gives files about 10% smaller than level 1).
    /// </param>
    /// <exception cref="InvalidImageException">The extension names no known image format.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pngCompression"/> is not a defined level.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(Image image, string path, PngCompressionLevel pngCompression)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Enum.IsDefined(pngCompression))
        {
            throw new ArgumentOutOfRangeException(nameof(pngCompression), pngCompression, "Use a level from 0 (none) to 9 (smallest).");
        }

        string extension = Path.GetExtension(path).TrimStart('.');
        IImageFormat? format = Configuration.Default.ImageFormatsManager.FindFormatByFileExtension(extension);
        if (format is null)
        {
            throw new InvalidImageException(path, $"'{extension}' is not an image format CoupleGen can write; use .png, .jpg, .bmp, .gif, .tga, .tiff, .webp or .pbm.");
        }

        IO.AtomicFile.Write(path, Encoder(image, format, pngCompression));
    }

    /// <summary>How <paramref name="image"/> is encoded as <paramref name="format"/>: fast PNGs by <see cref="PngWriter"/> where it can, else ImageSharp's encoder.</summary>
    private static Action<Stream> Encoder(Image image, IImageFormat format, PngCompressionLevel pngCompression)
    {
        if (format is PngFormat && pngCompression == PngCompressionLevel.BestSpeed && PngWriter.CanWrite(image))
        {
            return stream => PngWriter.Write((Image<Rgb24>)image, stream);
        }

        IImageEncoder encoder = format is PngFormat
            ? new PngEncoder { CompressionLevel = pngCompression }
            : Configuration.Default.ImageFormatsManager.FindEncoder(format);
        return stream => image.Save(stream, encoder);
    }

    private static Image<Rgb24> Decode(Stream stream, string name, long maxPixels, IReadOnlyCollection<string>? acceptedFormats)
    {
        long start = stream.Position;
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            // One header read gives both the size (for the limits) and the format (for the checks below).
            info = Image.Identify(stream, out format);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidImageException(name, $"the header cannot be read ({ex.GetType().Name}: {ex.Message}).", ex);
        }

        if (info is null)
        {
            throw new InvalidImageException(name, "not a supported image format (PNG, JPEG, BMP, GIF, TGA, TIFF, WebP, PBM) or the file is empty.");
        }

        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidImageException(name, $"the header declares an empty image ({info.Width}x{info.Height}).");
        }

        if (pixels > maxPixels)
        {
            throw new InvalidImageException(name, $"{info.Width}x{info.Height} is {pixels:N0} pixels, more than the limit of {maxPixels:N0}.");
        }

        stream.Position = start;
        if (format is not null && acceptedFormats is not null && !acceptedFormats.Contains(format.Name, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidImageException(name, $"it is a {format.Name} image; accepted formats are {string.Join(", ", acceptedFormats)}.");
        }

        if (format is not null && ImageIntegrity.FindTruncation(stream, format.Name) is { } truncation)
        {
            throw new InvalidImageException(name, truncation);
        }

        try
        {
            Image<Rgb24> image = (format is JpegFormat ? DecodeNatively(stream, info) : null) ?? Image.Load<Rgb24>(stream);
            image.Mutate(x => x.AutoOrient());
            return image;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InvalidImageException))
        {
            // A corrupt stream can make a decoder fail in many ways (format, range, null and overflow
            // errors); all of them are the image's fault, so all become the same typed exception.
            throw new InvalidImageException(name, $"the image data is corrupt or unsupported ({ex.GetType().Name}: {ex.Message}).", ex);
        }
    }

    /// <summary>Decodes a JPEG with TurboJPEG if available, keeping the metadata ImageSharp would have read.</summary>
    private static Image<Rgb24>? DecodeNatively(Stream stream, IImageInfo info)
    {
        Image<Rgb24>? image = TurboJpeg.TryDecode(stream, info.Width, info.Height);
        if (image is not null)
        {
            image.Metadata.ExifProfile = info.Metadata.ExifProfile;
            image.Metadata.IccProfile = info.Metadata.IccProfile;
            image.Metadata.XmpProfile = info.Metadata.XmpProfile;
            image.Metadata.IptcProfile = info.Metadata.IptcProfile;
            image.Metadata.HorizontalResolution = info.Metadata.HorizontalResolution;
            image.Metadata.VerticalResolution = info.Metadata.VerticalResolution;
            image.Metadata.ResolutionUnits = info.Metadata.ResolutionUnits;
        }

        return image;
    }
}
