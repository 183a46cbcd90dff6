using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Faces;

namespace CoupleGen.Evaluation;

/// <summary>
/// Merges the groups of a dataset that show the same person, so that <see cref="DatasetSplit.ByGroup"/> keeps every
/// photo of a person on one side of the split. Crawled couple datasets repeat people: CoupleGenerator's
/// <c>marriage_crop</c> has couples under two ids and studio models in several couples, and without merging a held-out
/// face is also trained on (and the retrieval baseline finds its real partner).
/// </summary>
public static class SamePersonGroups
{
    /// <summary>
    /// The default largest embedding distance of two photos of one person: half of face-api.js's 0.6 match threshold,
    /// which on Asian faces cannot tell people apart (the median distance between different people in the
    /// couples data is 0.59; copies and re-shoots of one person are below 0.25).
    /// </summary>
    public const double DefaultMaxDistance = 0.3;

    /// <summary>
    /// Gets a view of <paramref name="dataset"/> whose groups are unions of the original groups that share a person:
    /// two groups are linked when a face of one (image A or B of any pair, framed like training crops) lies within
    /// <paramref name="maxDistance"/> of a face of the other, and linking is transitive. Each merged group is named after
    /// its ordinal-first original group; groups that share nobody keep their names.
    /// </summary>
    /// <param name="dataset">Pairs of framed faces (e.g. <see cref="PairedImageDataset.FromDirectory"/> of CoupleGenerator's layout).</param>
    /// <param name="embedder">The identity network; <see langword="null"/> to use a CPU <see cref="FaceEmbedder"/> for this call.</param>
    /// <param name="maxDistance">The largest Euclidean distance between the embeddings of one person's photos. Default: <see cref="DefaultMaxDistance"/>.</param>
    /// <returns>The same pairs in the same order, with merged groups.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDistance"/> is negative or not finite.</exception>
    /// <exception cref="Errors.CoupleGenException">A pair cannot be loaded; the exception names the file.</exception>
    public static IPairedDataset Merge(IPairedDataset dataset, FaceEmbedder? embedder = null, double maxDistance = DefaultMaxDistance)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!double.IsFinite(maxDistance) || maxDistance < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDistance), maxDistance, "The distance must be a finite number from 0.");
        }

        FaceEmbedder? owned = embedder is null ? new FaceEmbedder(new FaceAnalysisOptions { Device = TorchSharp.torch.CPU }) : null;
        try
        {
            return new Merged(dataset, MergedNames(dataset, embedder ?? owned!, maxDistance));
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static string[] MergedNames(IPairedDataset dataset, FaceEmbedder embedder, double maxDistance)
    {
        string[] groups = Enumerable.Range(0, dataset.Count).Select(dataset.GetGroup).ToArray();
        List<string> names = groups.Distinct().OrderBy(g => g, StringComparer.Ordinal).ToList();
        Dictionary<string, int> index = names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var faces = new List<(int Group, FaceEmbedding Embedding)>();
        for (int i = 0; i < dataset.Count; i++)
        {
            using ImagePair pair = dataset.GetPair(i);
            foreach (FaceEmbedding embedding in embedder.Embed(new[] { pair.A, pair.B }))
            {
                faces.Add((index[groups[i]], embedding));
            }
        }

        int[] parent = Enumerable.Range(0, names.Count).ToArray();
        for (int i = 0; i < faces.Count; i++)
        {
            for (int j = i + 1; j < faces.Count; j++)
            {
                if (faces[i].Group != faces[j].Group && faces[i].Embedding.Distance(faces[j].Embedding) <= maxDistance)
                {
                    Union(parent, faces[i].Group, faces[j].Group);
                }
            }
        }

        return groups.Select(g => names[Root(parent, index[g])]).ToArray();
    }

    private static int Root(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            i = parent[i] = parent[parent[i]];
        }

        return i;
    }

    // The ordinal-first name becomes the root, so merged names do not depend on the order pairs are compared in.
    private static void Union(int[] parent, int a, int b)
    {
        int ra = Root(parent, a);
        int rb = Root(parent, b);
        parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }

    private sealed class Merged : IPairedDataset
    {
        private readonly IPairedDataset source;
        private readonly string[] groups;

        public Merged(IPairedDataset source, string[] groups)
        {
            this.source = source;
            this.groups = groups;
        }

        public int Count => source.Count;

        public ImagePair GetPair(int index) => source.GetPair(index);

        public string GetGroup(int index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, groups.Length);
            return groups[index];
        }
    }
}
