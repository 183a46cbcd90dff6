using System;
using System.Collections.Generic;
using CoupleGen.Faces;
using CoupleGen.Imaging;
using CoupleGen.Precision;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Processing;
using TorchSharp;

namespace CoupleGen.Generation;

/// <summary>How a <see cref="PartnerGenerator"/> runs and fits inputs to the model.</summary>
public sealed record PartnerGeneratorOptions
{
    /// <summary>Gets the default options.</summary>
    public static PartnerGeneratorOptions Default { get; } = new();

    /// <summary>Gets the device to run on, or <see langword="null"/> for CUDA when available, else the CPU. Default: <see langword="null"/>.</summary>
    public torch.Device? Device { get; init; }

    /// <summary>
    /// Gets how an input that is not ImageSize x ImageSize is fitted: <see cref="ResizeMode.Crop"/> scales it so
    /// the shorter side fits and cuts the centre square (no distortion, edges lost);
    /// <see cref="ResizeMode.Pad"/> scales the longer side to fit and pads with black (nothing lost);
    /// <see cref="ResizeMode.Stretch"/> distorts it to a square. Smaller inputs are enlarged (bicubic),
    /// which adds no detail. Default: <see cref="ResizeMode.Crop"/>.
    /// </summary>
    public ResizeMode ResizeMode { get; init; } = ResizeMode.Crop;

    /// <summary>
    /// Gets the most images one forward pass takes in the batch overload and <see cref="PartnerGenerator.GenerateFiles"/>; larger lists are split. Default: 8.
    /// Peak memory grows with it: for unet_256 in FP32, 4 keeps a list of 8 images under 0.8 GB (772 MB) for about 3%
    /// less throughput (docs/performance.md).
    /// </summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>Gets the largest width x height of an input file or stream, checked before decoding. Default: <see cref="ImageFiles.DefaultMaxPixels"/>.</summary>
    public long MaxInputPixels { get; init; } = ImageFiles.DefaultMaxPixels;

    /// <summary>Gets the largest input file accepted, checked before reading. Default: <see cref="ImageFiles.DefaultMaxFileBytes"/> (256 MiB).</summary>
    public long MaxInputFileBytes { get; init; } = ImageFiles.DefaultMaxFileBytes;

    /// <summary>Gets the image formats accepted from files (ImageSharp names: PNG, JPEG, BMP, GIF, TGA, TIFF, WEBP, PBM), or <see langword="null"/> for all. Default: <see langword="null"/>.</summary>
    public IReadOnlyCollection<string>? AcceptedFormats { get; init; }

    /// <summary>
    /// Gets a value indicating whether batch norm normalises each call's batch by its own statistics
    /// (as pix2pix's test.py does by default, and as models trained with batch size 1 expect) instead
    /// of the running averages gathered in training (evaluation mode). Dropout stays off either way;
    /// running averages are never changed. Default: <see langword="false"/>.
    /// </summary>
    public bool UseBatchStatistics { get; init; }

    /// <summary>
    /// Gets the number format the generator computes in. <see cref="InferencePrecision.Auto"/> picks
    /// bfloat16 on CPUs with native bfloat16 instructions, where it is about twice as fast, and 32-bit
    /// floats elsewhere; choose <see cref="InferencePrecision.Fp32"/> for outputs bit-comparable with
    /// other FP32 runtimes. Default: <see cref="InferencePrecision.Auto"/>.
    /// </summary>
    public InferencePrecision Precision { get; init; } = InferencePrecision.Auto;

    /// <summary>
    /// Gets when the input's face is found and framed like the training pairs before generation. Default:
    /// <see cref="FaceFramingMode.Auto"/>: <c>GeneratePortrait</c> (photos) frames, <c>Generate</c> (inputs already
    /// framed) does not. Framing <c>Generate</c>'s inputs by default would turn inputs the detector cannot read as
    /// faces (stylised or synthetic crops, the demo's faces) into <see cref="Errors.NoFaceFoundException"/>s, and would
    /// re-crop inputs that already have the model's framing.
    /// </summary>
    public FaceFramingMode FaceFraming { get; init; } = FaceFramingMode.Auto;

    /// <summary>
    /// Gets how faces are found, chosen and framed when <see cref="FaceFraming"/> applies; the frame's side is always the
    /// generator's ImageSize (<see cref="FaceFramingOptions.OutputSize"/> is ignored). With <see cref="FaceSelection.All"/>,
    /// <c>GeneratePortrait</c> uses the leftmost face. Default: <see cref="FaceFramingOptions.Default"/> (the largest face, the training framing).
    /// </summary>
    public FaceFramingOptions Faces { get; init; } = FaceFramingOptions.Default;

    /// <summary>
    /// Gets the zlib level of PNG files the file overloads write. At level 1 partners are written by
    /// CoupleGen's own PNG encoder: a 256x256 photo-like partner in 1.8-2.2 ms against 4.9-10 ms with
    /// ImageSharp's level 1 and 8 ms or more at level 6, for files about 10% larger than level 6's (see
    /// <see cref="ImageFiles.Save(SixLabors.ImageSharp.Image, string, PngCompressionLevel)"/>). Default: <see cref="PngCompressionLevel.BestSpeed"/>.
    /// </summary>
    public PngCompressionLevel PngCompression { get; init; } = PngCompressionLevel.BestSpeed;

    /// <summary>
    /// Gets the sex of the generated partner. <see cref="Generation.PartnerSex.Auto"/>: the other sex of the input,
    /// as the embedded <see cref="CoupleGen.Faces.FaceAttributeEstimator"/> judges it. <see cref="Generation.PartnerSex.Female"/>
    /// and <see cref="Generation.PartnerSex.Male"/> need a sex-controlled model (<see cref="Training.TrainingRecipe.Partner"/>),
    /// so that same-sex couples can use CoupleGen too. Default: <see cref="Generation.PartnerSex.Auto"/>.
    /// </summary>
    public PartnerSex PartnerSex { get; init; } = PartnerSex.Auto;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Faces"/> is null.</exception>
    public void Validate()
    {
        if (FaceFraming is not (FaceFramingMode.Auto or FaceFramingMode.Always or FaceFramingMode.Never))
        {
            throw new ArgumentOutOfRangeException(nameof(FaceFraming), FaceFraming, "Use Auto, Always or Never.");
        }

        ArgumentNullException.ThrowIfNull(Faces);
        Faces.Validate();

        if (ResizeMode is not (ResizeMode.Crop or ResizeMode.Pad or ResizeMode.Stretch))
        {
            throw new ArgumentOutOfRangeException(nameof(ResizeMode), ResizeMode, "Use Crop, Pad or Stretch.");
        }

        if (!Enum.IsDefined(PngCompression))
        {
            throw new ArgumentOutOfRangeException(nameof(PngCompression), PngCompression, "Use a level from 0 (none) to 9 (smallest).");
        }

        if (!Enum.IsDefined(PartnerSex))
        {
            throw new ArgumentOutOfRangeException(nameof(PartnerSex), PartnerSex, "Use Auto, Female or Male.");
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Use Auto, Fp32 or Bf16.");
        }

        if (MaxBatchSize is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be between 1 and 1024.");
        }

        if (MaxInputFileBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInputFileBytes), MaxInputFileBytes, "MaxInputFileBytes must be positive.");
        }

        if (MaxInputPixels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInputPixels), MaxInputPixels, "MaxInputPixels must be positive.");
        }
    }
}
