namespace CoupleGen.Losses;

/// <summary>How <see cref="PerceptualLoss"/> compares two feature maps.</summary>
public enum PerceptualDistance
{
    /// <summary>Mean squared error per element (Johnson et al.).</summary>
    MeanSquaredError,

    /// <summary>Mean absolute error per element.</summary>
    MeanAbsoluteError,

    /// <summary>
    /// The original CoupleGenerator's F: the tapped maps (same shape) are summed element-wise into one
    /// map per image, and F = sqrt(0.5 x Σ(Φ(y) - Φ(ŷ))²) over the whole batch. Tap weights are ignored.
    /// </summary>
    CoupleGenerator,
}
