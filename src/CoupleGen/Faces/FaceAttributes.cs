namespace CoupleGen.Faces;

/// <summary>What <see cref="FaceAttributeEstimator"/> reads from a face.</summary>
/// <param name="MaleProbability">The network's probability, in [0, 1], that the face is male (face-api.js's gender softmax).</param>
/// <param name="Age">The estimated age in years (face-api.js's age regression; not clamped, so it can stray below 0 on non-faces).</param>
public readonly record struct FaceAttributes(double MaleProbability, double Age)
{
    /// <summary>Gets the more likely sex: <see cref="Sex.Male"/> when <see cref="MaleProbability"/> is at least 0.5.</summary>
    public Sex Sex => MaleProbability >= 0.5 ? Sex.Male : Sex.Female;
}
