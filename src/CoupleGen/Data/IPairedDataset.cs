namespace CoupleGen.Data;

/// <summary>A finite, indexable set of aligned image pairs; the seam between data sources and <see cref="Training.Pix2PixTrainer"/>.</summary>
public interface IPairedDataset
{
    /// <summary>Gets the number of pairs.</summary>
    int Count { get; }

    /// <summary>Loads pair <paramref name="index"/> at its stored resolution. The same index always gives the same pixels.</summary>
    /// <param name="index">From 0 to <see cref="Count"/> - 1.</param>
    /// <returns>A new pair the caller owns.</returns>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    /// <exception cref="Errors.CoupleGenException">The pair cannot be loaded; the exception names the file.</exception>
    ImagePair GetPair(int index);

    /// <summary>Gets the group of pair <paramref name="index"/>: pairs of one group (e.g. one couple) must stay on one side of a train/test split.</summary>
    /// <param name="index">From 0 to <see cref="Count"/> - 1.</param>
    /// <returns>A stable group identifier.</returns>
    string GetGroup(int index);
}
