using System;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Evaluation;

namespace CoupleGen.Demo;

/// <summary>Loads a folder of side-by-side pairs with one group per person, so that train and evaluate hold out the same people.</summary>
internal static class CouplesData
{
    public static IPairedDataset Load(string folder)
    {
        var files = PairedImageDataset.FromDirectory(folder);
        IPairedDataset merged = SamePersonGroups.Merge(files);
        int before = Groups(files);
        int after = Groups(merged);
        Console.WriteLine($"{files.Count} pairs in {folder}: {before} groups, {after} after merging those that share a person.");
        return merged;
    }

    private static int Groups(IPairedDataset dataset) => Enumerable.Range(0, dataset.Count).Select(dataset.GetGroup).Distinct().Count();
}
