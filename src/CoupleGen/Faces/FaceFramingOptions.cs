using System;

namespace CoupleGen.Faces;

/// <summary>How <see cref="FaceFramer"/> finds, chooses and frames faces.</summary>
public sealed record FaceFramingOptions
{
    /// <summary>Gets the default options.</summary>
    public static FaceFramingOptions Default { get; } = new();

    /// <summary>Gets how faces are detected. Default: <see cref="FaceDetectorOptions.Default"/>.</summary>
    public FaceDetectorOptions Detector { get; init; } = FaceDetectorOptions.Default;

    /// <summary>Gets which faces are framed when a photo holds several. Default: <see cref="FaceSelection.Largest"/>.</summary>
    public FaceSelection Selection { get; init; } = FaceSelection.Largest;

    /// <summary>Gets the face taken with <see cref="FaceSelection.Index"/>, counting from 0 left to right; a photo with fewer faces is a <see cref="Errors.NoFaceFoundException"/>. Default: 0.</summary>
    public int FaceIndex { get; init; }

    /// <summary>Gets where the eyes go and the background colour. Default: <see cref="FaceFraming.Training"/>, measured on the couple crops.</summary>
    public FaceFraming Framing { get; init; } = FaceFraming.Training;

    /// <summary>
    /// Gets whether the photo's background behind the person is kept or replaced by <see cref="FaceFraming.Background"/>
    /// (see <see cref="FramingBackground.Replace"/>). Default: <see cref="FramingBackground.Keep"/>; the model
    /// generates cleaner partners from <see cref="FramingBackground.Replace"/>, since every training crop is on uniform red.
    /// </summary>
    public FramingBackground Background { get; init; } = FramingBackground.Keep;

    /// <summary>Gets the side of the framed square in pixels; the framing's positions scale to it. Default: 512, the couple crops' size.</summary>
    public int OutputSize { get; init; } = 512;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentNullException">A nested option is null.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Detector);
        ArgumentNullException.ThrowIfNull(Framing);
        Detector.Validate();
        Framing.Validate();
        if (Selection is not (FaceSelection.Largest or FaceSelection.Index or FaceSelection.All))
        {
            throw new ArgumentOutOfRangeException(nameof(Selection), Selection, "Use Largest, Index or All.");
        }

        if (Background is not (FramingBackground.Keep or FramingBackground.Replace))
        {
            throw new ArgumentOutOfRangeException(nameof(Background), Background, "Use Keep or Replace.");
        }

        if (FaceIndex is < 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(FaceIndex), FaceIndex, "FaceIndex must be between 0 and 1000.");
        }

        if (OutputSize is < 16 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputSize), OutputSize, "OutputSize must be between 16 and 8192.");
        }
    }
}
