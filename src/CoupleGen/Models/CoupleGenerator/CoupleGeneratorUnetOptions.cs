using System;

namespace CoupleGen.Models.CoupleGenerator;

/// <summary>The shape of a <see cref="CoupleGeneratorUnet"/>. Defaults are the original's (<c>models/wgan.py</c>, <c>generator_deconv</c>).</summary>
public sealed record CoupleGeneratorUnetOptions
{
    /// <summary>Gets the number of stride-2 downsamplings. Default: 8 (512x512 to a 2x2 bottleneck). At least 5.</summary>
    public int Downsamplings { get; init; } = 8;

    /// <summary>Gets the number of filters in the first layer (<c>ngf</c>). Default: 64.</summary>
    public int Filters { get; init; } = 64;

    /// <summary>Gets the input channel count. Default: 3.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Gets the output channel count. Default: 3.</summary>
    public int OutputChannels { get; init; } = 3;

    /// <summary>Gets the LeakyReLU slope (<c>--leak</c>). Default: 0.2.</summary>
    public double LeakySlope { get; init; } = 0.2;

    /// <summary>
    /// Gets a value indicating whether dropout (0.5, three innermost decoder layers) stays on at inference, as in the
    /// original, whose <c>tf.nn.dropout</c> never switches off: outputs are then random. Default: <see langword="true"/> (faithful);
    /// <see langword="false"/> makes inference deterministic.
    /// </summary>
    public bool DropoutAtInference { get; init; } = true;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (Downsamplings is < 5 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(Downsamplings), Downsamplings, "Downsamplings must be between 5 and 12.");
        }

        if (Filters is < 1 or > 1024 || InputChannels is < 1 or > 64 || OutputChannels is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Filters), Filters, "Filters must be 1-1024 and channel counts 1-64.");
        }

        if (!double.IsFinite(LeakySlope) || LeakySlope < 0 || LeakySlope >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LeakySlope), LeakySlope, "LeakySlope must be in [0, 1).");
        }
    }
}
