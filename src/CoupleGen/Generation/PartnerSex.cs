namespace CoupleGen.Generation;

/// <summary>The sex of the partner a sex-controlled model (<see cref="Training.TrainingRecipe.Partner"/>) generates.</summary>
public enum PartnerSex
{
    /// <summary>The other sex of the input face, as <see cref="Faces.FaceAttributeEstimator"/> judges it; the only choice for models without sex control.</summary>
    Auto,

    /// <summary>A woman, whatever the input.</summary>
    Female,

    /// <summary>A man, whatever the input.</summary>
    Male,
}
