using System;
using System.Collections.Generic;
using System.Linq;

namespace CoupleGen.Data;

/// <summary>Deterministic train/held-out splits by group, so no couple is on both sides.</summary>
public static class DatasetSplit
{
    /// <summary>
    /// Splits <paramref name="dataset"/> by group: <paramref name="heldOutGroups"/> groups, chosen by
    /// a seeded shuffle of the ordinally sorted group names, go to the held-out side.
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="heldOutGroups">How many groups to hold out; at least 1 and fewer than the number of groups.</param>
    /// <param name="seed">The shuffle seed. Default: 0.</param>
    /// <returns>The training side and the held-out side.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="heldOutGroups"/> leaves one side empty.</exception>
    public static (IPairedDataset Train, IPairedDataset HeldOut) ByGroup(IPairedDataset dataset, int heldOutGroups, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var names = Enumerable.Range(0, dataset.Count).Select(dataset.GetGroup).Distinct().OrderBy(g => g, StringComparer.Ordinal).ToArray();
        if (heldOutGroups < 1 || heldOutGroups >= names.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(heldOutGroups), heldOutGroups, $"Hold out between 1 and {names.Length - 1} of the {names.Length} groups.");
        }

        new Random(seed).Shuffle(names);
        var heldOut = new HashSet<string>(names.Take(heldOutGroups), StringComparer.Ordinal);
        var train = new List<int>();
        var test = new List<int>();
        for (int i = 0; i < dataset.Count; i++)
        {
            (heldOut.Contains(dataset.GetGroup(i)) ? test : train).Add(i);
        }

        return (new Subset(dataset, train), new Subset(dataset, test));
    }

    private sealed class Subset : IPairedDataset
    {
        private readonly IPairedDataset source;
        private readonly int[] indices;

        public Subset(IPairedDataset source, IEnumerable<int> indices)
        {
            this.source = source;
            this.indices = indices.ToArray();
        }

        public int Count => indices.Length;

        public ImagePair GetPair(int index) => source.GetPair(indices[Checked(index)]);

        public string GetGroup(int index) => source.GetGroup(indices[Checked(index)]);

        private int Checked(int index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, indices.Length);
            return index;
        }
    }
}
