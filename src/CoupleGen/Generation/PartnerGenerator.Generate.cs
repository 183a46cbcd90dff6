using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Threading;
using CoupleGen.Errors;
using CoupleGen.Faces;
using CoupleGen.Imaging;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Generation;

/// <content>The entry points: images, streams, files and batches in, partners out, all through one read, fit and forward path.</content>
public sealed partial class PartnerGenerator
{
    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public Image<Rgb24> Generate(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Generate(new[] { image })[0];
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    /// <exception cref="NoFaceFoundException"><see cref="PartnerGeneratorOptions.FaceFraming"/> is <see cref="FaceFramingMode.Always"/> and an image holds no face.</exception>
    public IReadOnlyList<Image<Rgb24>> Generate(IReadOnlyList<Image> images)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(images);
        var results = new List<Image<Rgb24>>(images.Count);
        for (int start = 0; start < images.Count; start += options.MaxBatchSize)
        {
            int count = Math.Min(options.MaxBatchSize, images.Count - start);
            var fitted = new List<Image<Rgb24>>(count);
            try
            {
                for (int i = 0; i < count; i++)
                {
                    Image source = images[start + i] ?? throw new ArgumentException($"Image {start + i} is null.", nameof(images));
                    fitted.Add(FrameOrFit(source, $"image {start + i}", options.FaceFraming == FaceFramingMode.Always, out _, out _));
                }

                results.AddRange(Forward(fitted));
            }
            finally
            {
                fitted.ForEach(image => image.Dispose());
            }
        }

        return results;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidImageException">The stream holds no readable image, or one larger than <see cref="PartnerGeneratorOptions.MaxInputPixels"/>.</exception>
    /// <exception cref="NoFaceFoundException"><see cref="PartnerGeneratorOptions.FaceFraming"/> is <see cref="FaceFramingMode.Always"/> and the image holds no face.</exception>
    public Image<Rgb24> Generate(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using Image<Rgb24> image = LoadStream(input);
        return GenerateNamed(image, "stream");
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidImageException">The input is missing, unreadable, corrupt or too large, or the output extension is not an image format.</exception>
    /// <exception cref="IOException">The output cannot be written.</exception>
    public void Generate(string inputPath, string outputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        using Image<Rgb24> image = LoadFile(inputPath);
        using Image<Rgb24> partner = GenerateNamed(image, inputPath);
        SaveFile(partner, outputPath);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A path is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; partners already written stay, no file is left half-written.</exception>
    public IReadOnlyList<FileGenerationResult> GenerateFiles(IReadOnlyList<(string InputPath, string OutputPath)> files, IProgress<FileGenerationResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(files);
        for (int i = 0; i < files.Count; i++)
        {
            if (string.IsNullOrEmpty(files[i].InputPath) || string.IsNullOrEmpty(files[i].OutputPath))
            {
                throw new ArgumentException($"File {i} has an empty input or output path.", nameof(files));
            }
        }

        bool frame = options.FaceFraming == FaceFramingMode.Always;
        return FilePipeline.Run(
            files,
            options.MaxBatchSize,
            path =>
            {
                using Image<Rgb24> image = LoadFile(path);
                return FrameOrFit(image, path, frame, out _, out _);
            },
            Forward,
            SaveFile,
            progress,
            cancellationToken);
    }

    /// <summary>
    /// Generates the partner for an arbitrary photo: finds the face, frames it like the training pairs
    /// (see <see cref="PartnerGeneratorOptions.FaceFraming"/> and <see cref="PartnerGeneratorOptions.Faces"/>) and
    /// returns both the framed input and the partner.
    /// </summary>
    /// <param name="photo">A photo with a face (selfie, portrait, group photo); it is not modified.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    /// <exception cref="NoFaceFoundException">The photo holds no face (or none at <see cref="FaceFramingOptions.FaceIndex"/>).</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public PortraitResult GeneratePortrait(Image photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        return GeneratePortrait(photo, "image");
    }

    /// <summary>Generates the partner for an encoded photo in a stream; see <see cref="GeneratePortrait(Image)"/>.</summary>
    /// <param name="input">The encoded photo.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    /// <exception cref="InvalidImageException">The stream holds no readable image, or one larger than <see cref="PartnerGeneratorOptions.MaxInputPixels"/>.</exception>
    /// <exception cref="NoFaceFoundException">The photo holds no face.</exception>
    public PortraitResult GeneratePortrait(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using Image<Rgb24> photo = LoadStream(input);
        return GeneratePortrait(photo, "stream");
    }

    /// <summary>Reads a photo file and generates the partner; see <see cref="GeneratePortrait(Image)"/>.</summary>
    /// <param name="inputPath">The photo.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    /// <exception cref="InvalidImageException">The file is missing, unreadable, corrupt or too large.</exception>
    /// <exception cref="NoFaceFoundException">The photo holds no face; the exception names the file.</exception>
    public PortraitResult GeneratePortrait(string inputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        using Image<Rgb24> photo = LoadFile(inputPath);
        return GeneratePortrait(photo, inputPath);
    }

    /// <summary>Reads a photo file, generates the partner and writes it (and, if asked, the framed input) atomically.</summary>
    /// <param name="inputPath">The photo.</param>
    /// <param name="partnerPath">Where the partner goes; the format follows the extension.</param>
    /// <param name="framedInputPath">Where the framed input goes, or <see langword="null"/> to skip it.</param>
    /// <exception cref="InvalidImageException">The input is missing, unreadable, corrupt or too large, or an output extension is not an image format.</exception>
    /// <exception cref="NoFaceFoundException">The photo holds no face; nothing is written.</exception>
    /// <exception cref="IOException">An output cannot be written.</exception>
    public void GeneratePortrait(string inputPath, string partnerPath, string? framedInputPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(partnerPath);
        using PortraitResult result = GeneratePortrait(inputPath);
        if (framedInputPath is not null)
        {
            SaveFile(result.FramedInput, framedInputPath);
        }

        SaveFile(result.Partner, partnerPath);
    }

    // Every entry point reads and writes with the same limits and encoding options.
    private Image<Rgb24> LoadFile(string path) => ImageFiles.Load(path, options.MaxInputPixels, options.MaxInputFileBytes, options.AcceptedFormats);

    private Image<Rgb24> LoadStream(Stream input) => ImageFiles.Load(input, "stream", options.MaxInputPixels);

    private void SaveFile(Image image, string path) => ImageFiles.Save(image, path, options.PngCompression);

    private Lazy<FaceFramer> NewFramer() =>
        new(() => new FaceFramer(options.Faces with { OutputSize = ImageSize }), LazyThreadSafetyMode.ExecutionAndPublication);

    private Image<Rgb24> GenerateNamed(Image image, string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using Image<Rgb24> input = FrameOrFit(image, name, options.FaceFraming == FaceFramingMode.Always, out _, out _);
        return Forward(new[] { input })[0];
    }

    private PortraitResult GeneratePortrait(Image photo, string name) => GeneratePortrait(photo, name, options.PartnerSex);

    private PortraitResult GeneratePortrait(Image photo, string name, PartnerSex partnerSex)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Image<Rgb24> input = FrameOrFit(photo, name, options.FaceFraming != FaceFramingMode.Never, out DetectedFace? face, out Matrix3x2? transform);
        try
        {
            Image<Rgb24> partner = Forward(new[] { input }, partnerSex)[0];
            return new PortraitResult(input, partner, face, transform, inputOnRight: Direction == PairDirection.BToA);
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }
}
