using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Generation;

/// <summary>Predicts a partner's face from a person's face.</summary>
public interface IPartnerGenerator : IDisposable
{
    /// <summary>Gets the side of the square images the model works on; outputs have this size.</summary>
    int ImageSize { get; }

    /// <summary>Gets a value indicating whether the model takes the partner's sex (models of the partner recipe).</summary>
    bool HasSexControl { get; }

    /// <summary>Finds and frames the face of an encoded photo like the training pairs and generates its partner.</summary>
    /// <param name="input">The encoded photo.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    PortraitResult GeneratePortrait(Stream input);

    /// <summary>As <see cref="GeneratePortrait(Stream)"/>, asking for the partner's sex whatever the generator's options say.</summary>
    /// <param name="input">The encoded photo.</param>
    /// <param name="partnerSex">The partner's sex; explicit sexes need <see cref="HasSexControl"/>.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    PortraitResult GeneratePortrait(Stream input, PartnerSex partnerSex);

    /// <summary>Generates the partner for one image of any pixel type and size.</summary>
    /// <param name="image">The person's face; it is not modified.</param>
    /// <returns>A new <see cref="ImageSize"/> x <see cref="ImageSize"/> image the caller owns.</returns>
    Image<Rgb24> Generate(Image image);

    /// <summary>Generates partners for many images in one forward pass per batch.</summary>
    /// <param name="images">The faces; they may differ in size and pixel type.</param>
    /// <returns>New images, in input order, that the caller owns.</returns>
    IReadOnlyList<Image<Rgb24>> Generate(IReadOnlyList<Image> images);

    /// <summary>Generates the partner for an encoded image in a stream.</summary>
    /// <param name="input">The encoded image.</param>
    /// <returns>A new image the caller owns.</returns>
    Image<Rgb24> Generate(Stream input);

    /// <summary>Reads an image file, generates the partner and writes it atomically; the format follows <paramref name="outputPath"/>'s extension.</summary>
    /// <param name="inputPath">The person's face.</param>
    /// <param name="outputPath">Where the partner goes.</param>
    void Generate(string inputPath, string outputPath);

    /// <summary>
    /// Generates partners for many image files: the next images are read and fitted on one background
    /// thread and the finished partners written (atomically) on another while the network runs batches
    /// of up to <see cref="PartnerGeneratorOptions.MaxBatchSize"/> (on 2 CPU cores 1.3x faster per image
    /// than one file at a time). A file that cannot be read, framed or written fails alone; the others are written.
    /// </summary>
    /// <param name="files">Pairs of the person's face and where the partner goes (format by extension).</param>
    /// <param name="progress">Told as each file is written or fails, not necessarily in input order; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the run between files.</param>
    /// <returns>One result per file, in input order.</returns>
    IReadOnlyList<FileGenerationResult> GenerateFiles(IReadOnlyList<(string InputPath, string OutputPath)> files, IProgress<FileGenerationResult>? progress = null, CancellationToken cancellationToken = default);
}
