using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Precision;
using TorchSharp;

namespace CoupleGen.Extensions.DependencyInjection;

/// <summary>
/// The registered generator's settings, bindable from configuration (the <see cref="SectionName"/> section, e.g.
/// <c>CoupleGen__Checkpoint=/models/partner.couplegen</c> in the environment). Defaults are
/// <see cref="PartnerGeneratorOptions"/>' own.
/// </summary>
public sealed class PartnerGeneratorServiceOptions
{
    /// <summary>The configuration section read by default: <c>CoupleGen</c>.</summary>
    public const string SectionName = "CoupleGen";

    /// <summary>Gets or sets the model: a training checkpoint, an exported CoupleGen model file, or a pix2pix <c>.pth</c>. Required.</summary>
    public string? Checkpoint { get; set; }

    /// <summary>Gets or sets the device: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; empty for CUDA when available, else the CPU. Default: empty.</summary>
    public string? Device { get; set; }

    /// <summary>Gets or sets the number format of generation. Default: <see cref="InferencePrecision.Auto"/>.</summary>
    public InferencePrecision Precision { get; set; } = InferencePrecision.Auto;

    /// <summary>Gets or sets when inputs are framed. Default: <see cref="FaceFramingMode.Auto"/> (photos through <c>GeneratePortrait</c>).</summary>
    public FaceFramingMode FaceFraming { get; set; } = FaceFramingMode.Auto;

    /// <summary>Gets or sets what happens to a photo's background when a face is framed. Default: <see cref="FramingBackground.Keep"/>.</summary>
    public FramingBackground Background { get; set; } = FramingBackground.Keep;

    /// <summary>Gets or sets the partner's sex, for models of the partner recipe. Default: <see cref="PartnerSex.Auto"/>.</summary>
    public PartnerSex PartnerSex { get; set; } = PartnerSex.Auto;

    /// <summary>Gets or sets the most pixels an input image may have, checked before decoding. Default: <see cref="PartnerGeneratorOptions.MaxInputPixels"/>' default.</summary>
    public long MaxInputPixels { get; set; } = PartnerGeneratorOptions.Default.MaxInputPixels;

    /// <summary>Gets or sets the largest input file or stream, in bytes. Default: <see cref="PartnerGeneratorOptions.MaxInputFileBytes"/>' default.</summary>
    public long MaxInputFileBytes { get; set; } = PartnerGeneratorOptions.Default.MaxInputFileBytes;

    /// <summary>Gets or sets the most images one batch call may take. Default: <see cref="PartnerGeneratorOptions.MaxBatchSize"/>' default.</summary>
    public int MaxBatchSize { get; set; } = PartnerGeneratorOptions.Default.MaxBatchSize;

    /// <summary>
    /// Gets or sets a value indicating whether the host loads the model while it starts, so a bad model stops the start and
    /// the first request does not wait for loading. <see langword="false"/> loads it at the first use. Default: <see langword="true"/>.
    /// </summary>
    public bool LoadOnStart { get; set; } = true;

    /// <summary>The library's options for these settings.</summary>
    /// <param name="resolveDevice">Whether to resolve <see cref="Device"/>, which starts libtorch; validation leaves it unset.</param>
    /// <exception cref="System.ArgumentException">The device is not one libtorch knows.</exception>
    internal PartnerGeneratorOptions ToGeneratorOptions(bool resolveDevice = true) => new()
    {
        Device = !resolveDevice || string.IsNullOrWhiteSpace(Device) ? null : torch.device(Device),
        Precision = Precision,
        FaceFraming = FaceFraming,
        Faces = FaceFramingOptions.Default with { Background = Background },
        PartnerSex = PartnerSex,
        MaxInputPixels = MaxInputPixels,
        MaxInputFileBytes = MaxInputFileBytes,
        MaxBatchSize = MaxBatchSize,
    };
}
