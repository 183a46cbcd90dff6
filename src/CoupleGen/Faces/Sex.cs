namespace CoupleGen.Faces;

/// <summary>The sex <see cref="FaceAttributeEstimator"/> reads from a face.</summary>
public enum Sex
{
    /// <summary>Female.</summary>
    Female,

    /// <summary>Male.</summary>
    Male,
}
