namespace CoupleGen.Training;

/// <summary>What <see cref="Pix2PixTrainer.Train"/> does with a pair whose file cannot be read.</summary>
public enum UnreadablePairPolicy
{
    /// <summary>Stop training with the pair's <see cref="Errors.CoupleGenException"/>, which names the file (default).</summary>
    Fail,

    /// <summary>Log a warning naming the file, count it in <see cref="Pix2PixTrainer.SkippedPairs"/>, and train on the rest of the batch.</summary>
    Skip,
}
