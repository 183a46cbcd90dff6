namespace CoupleGen.Losses;

/// <summary>How <see cref="PerceptualLoss"/> compares two feature maps.</summary>
public enum PerceptualDistance
{
    /// <summary>Mean squared error per element (Johnson et al.).</summary>
    MeanSquaredError,

    /// <summary>Mean absolute error per element.</summary>
    MeanAbsoluteError,
}
