using System;
using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Errors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace CoupleGen.Tests.Data;

[Trait("Category", "Unit")]
public class PairedImageDatasetTests
{
    [Fact]
    public void SplitsSideBySideFilesIntoLeftAAndRightB()
    {
        string folder = TestData.NewFolder();
        WritePair(Path.Combine(folder, "1.png"), new Rgb24(10, 20, 30), new Rgb24(200, 100, 50));
        var dataset = PairedImageDataset.FromDirectory(folder);
        using var pair = dataset.GetPair(0);
        Assert.Equal(new Size(8, 8), pair.A.Size());
        Assert.Equal(new Rgb24(10, 20, 30), pair.A[3, 3]);
        Assert.Equal(new Rgb24(200, 100, 50), pair.B[3, 3]);
    }

    [Fact]
    public void CoupleGeneratorLayoutGroupsByCoupleFolder()
    {
        string folder = TestData.NewFolder();
        foreach (string couple in new[] { "8", "11", "25" })
        {
            Directory.CreateDirectory(Path.Combine(folder, couple));
            WritePair(Path.Combine(folder, couple, "1.jpg"), new Rgb24(1, 1, 1), new Rgb24(2, 2, 2));
            WritePair(Path.Combine(folder, couple, "2.jpg"), new Rgb24(2, 2, 2), new Rgb24(1, 1, 1));
        }

        var dataset = PairedImageDataset.FromDirectory(folder);
        Assert.Equal(6, dataset.Count);
        Assert.Equal(new[] { "11", "11", "25", "25", "8", "8" }, Enumerable.Range(0, 6).Select(dataset.GetGroup));

        var (train, heldOut) = DatasetSplit.ByGroup(dataset, heldOutGroups: 1, seed: 5);
        Assert.Equal(4, train.Count);
        Assert.Equal(2, heldOut.Count);
        var heldOutGroups = Enumerable.Range(0, heldOut.Count).Select(heldOut.GetGroup).Distinct().ToList();
        Assert.Single(heldOutGroups);
        Assert.DoesNotContain(heldOutGroups[0], Enumerable.Range(0, train.Count).Select(train.GetGroup));
    }

    [Fact]
    public void MissingOrEmptyFolderIsAnInvalidDatasetException()
    {
        string missing = Path.Combine(TestData.NewFolder(), "nope");
        Assert.Equal(missing, Assert.Throws<InvalidDatasetException>(() => PairedImageDataset.FromDirectory(missing)).Path);
        string empty = TestData.NewFolder();
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "no images");
        Assert.Throws<InvalidDatasetException>(() => PairedImageDataset.FromDirectory(empty));
    }

    [Fact]
    public void OddWidthIsReportedWithThePath()
    {
        string folder = TestData.NewFolder();
        string odd = Path.Combine(folder, "odd.png");
        new Image<Rgb24>(9, 4).SaveAsPng(odd);
        var error = Assert.Throws<InvalidImageException>(() => PairedImageDataset.FromDirectory(folder).GetPair(0));
        Assert.Equal(odd, error.Path);
    }

    [Fact]
    public void SyntheticPairsAreDeterministicAndDifferBetweenAAndB()
    {
        var dataset = new SyntheticCoupleDataset(3, 32, seed: 4);
        using var first = dataset.GetPair(2);
        using var again = new SyntheticCoupleDataset(3, 32, seed: 4).GetPair(2);
        Assert.Equal(first.A[16, 5], again.A[16, 5]);
        Assert.Equal(first.B[3, 28], again.B[3, 28]);
        int differing = 0;
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                differing += first.A[x, y] == first.B[x, y] ? 0 : 1;
            }
        }

        Assert.InRange(differing, 50, 900);
    }

    private static void WritePair(string path, Rgb24 left, Rgb24 right)
    {
        using var image = new Image<Rgb24>(16, 8);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                image[x, y] = x < 8 ? left : right;
            }
        }

        image.Save(path);
    }
}
