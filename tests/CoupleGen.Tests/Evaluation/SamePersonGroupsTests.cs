using System;
using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using CoupleGen.Faces;
using CoupleGen.Tests.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace CoupleGen.Tests.Evaluation;

[Trait("Category", "Unit")]
public class SamePersonGroupsTests
{
    [Fact]
    public void MergesGroupsThatShareAPersonAndKeepsTheOthers()
    {
        using var astronaut = FaceImages.Framed(FaceImages.Astronaut);
        using var hopper = FaceImages.Framed(FaceImages.GraceHopper);
        using var hopperCopy = Recompressed(hopper.Clone(x => x.Flip(FlipMode.Horizontal).Resize(480, 480).Resize(512, 512)));
        string folder = TestData.NewFolder();
        var dataset = new PairedImageDataset(
            new[] { Write(folder, "c1", hopperCopy, hopperCopy), Write(folder, "a1", astronaut, astronaut), Write(folder, "b1", hopper, hopper), Write(folder, "a2", astronaut, astronaut) },
            new[] { "c", "a", "b", "a" });

        IPairedDataset merged = SamePersonGroups.Merge(dataset);

        // Grace Hopper's mirrored, rescaled JPEG copy in c joins b (named after the ordinal-first); the astronaut stays apart.
        Assert.Equal(new[] { "b", "a", "b", "a" }, Enumerable.Range(0, merged.Count).Select(merged.GetGroup));
        using (ImagePair third = merged.GetPair(2))
        {
            Assert.Equal(Path.Combine(folder, "b1.png"), third.Source);
        }

        IPairedDataset strict = SamePersonGroups.Merge(dataset, maxDistance: 0);
        Assert.Equal(new[] { "c", "a", "b", "a" }, Enumerable.Range(0, strict.Count).Select(strict.GetGroup));
        var (train, heldOut) = DatasetSplit.ByGroup(merged, heldOutGroups: 1, seed: 0);
        Assert.Equal(2, heldOut.Count);
        Assert.Single(Enumerable.Range(0, heldOut.Count).Select(heldOut.GetGroup).Distinct());
        Assert.Equal(2, train.Count);
    }

    [Fact]
    public void RejectsABadDistanceBeforeLoadingAnything()
    {
        var dataset = new PairedImageDataset(new[] { "/nonexistent/pair.png" });

        Assert.Throws<ArgumentOutOfRangeException>(() => SamePersonGroups.Merge(dataset, maxDistance: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamePersonGroups.Merge(dataset, maxDistance: double.NaN));
        Assert.Throws<ArgumentNullException>(() => SamePersonGroups.Merge(null!));
    }

    private static Image<Rgb24> Recompressed(Image<Rgb24> image)
    {
        using (image)
        {
            using var stream = new MemoryStream();
            image.SaveAsJpeg(stream, new JpegEncoder { Quality = 70 });
            stream.Position = 0;
            return Image.Load<Rgb24>(stream);
        }
    }

    private static string Write(string folder, string name, Image<Rgb24> left, Image<Rgb24> right)
    {
        using var both = new Image<Rgb24>(1024, 512);
        both.Mutate(x => x.DrawImage(left, new Point(0, 0), 1f).DrawImage(right, new Point(512, 0), 1f));
        string path = Path.Combine(folder, name + ".png");
        both.SaveAsPng(path);
        return path;
    }
}
