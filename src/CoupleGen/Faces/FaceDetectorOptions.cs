using System;

namespace CoupleGen.Faces;

/// <summary>How <see cref="FaceDetector"/> looks for faces.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>Gets the default options.</summary>
    public static FaceDetectorOptions Default { get; } = new();

    /// <summary>
    /// Gets the side, in pixels, the photo's longer side is scaled to for detection; a multiple of 32 from 128 to 1024.
    /// Larger finds smaller faces (the detector sees faces down to about 1/20 of this) and costs time
    /// quadratically. Default: 416, face-api.js's default.
    /// </summary>
    public int InputSize { get; init; } = 416;

    /// <summary>Gets the lowest detection confidence kept, between 0 and 1 exclusive. Default: 0.5, face-api.js's default.</summary>
    public double ScoreThreshold { get; init; } = 0.5;

    /// <summary>Gets the overlap (intersection over union) above which the weaker of two boxes is dropped, between 0 and 1. Default: 0.4, the detector's training value.</summary>
    public double OverlapThreshold { get; init; } = 0.4;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (InputSize is < 128 or > 1024 || InputSize % 32 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "InputSize must be a multiple of 32 from 128 to 1024.");
        }

        if (!(ScoreThreshold > 0 && ScoreThreshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ScoreThreshold), ScoreThreshold, "ScoreThreshold must be between 0 and 1 exclusive.");
        }

        if (!(OverlapThreshold >= 0 && OverlapThreshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(OverlapThreshold), OverlapThreshold, "OverlapThreshold must be between 0 and 1.");
        }
    }
}
