using System;
using System.IO;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace CoupleGen.Tests.Imaging;

[Trait("Category", "Unit")]
public class ImageFilesTests
{
    [Fact]
    public void PngLevelsTradeSizeAndStayLossless()
    {
        string folder = TestData.NewFolder();
        using var pair = new SyntheticCoupleDataset(1, 128).GetPair(0);
        string fast = Path.Combine(folder, "fast.png"), small = Path.Combine(folder, "small.png");
        ImageFiles.Save(pair.A, fast);
        ImageFiles.Save(pair.A, small, PngCompressionLevel.BestCompression);
        Assert.True(new FileInfo(small).Length < new FileInfo(fast).Length, "level 9 is smaller than the default level 1");
        foreach (string path in new[] { fast, small })
        {
            using var back = ImageFiles.Load(path);
            for (int y = 0; y < 128; y += 7)
            {
                for (int x = 0; x < 128; x += 5)
                {
                    Assert.Equal(pair.A[x, y], back[x, y]);
                }
            }
        }
    }

    [Fact]
    public void UndefinedPngLevelsAreRefusedBeforeAnythingIsWritten()
    {
        string path = Path.Combine(TestData.NewFolder(), "out.png");
        using var image = new Image<Rgb24>(4, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFiles.Save(image, path, (PngCompressionLevel)42));
        Assert.False(File.Exists(path));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartnerGeneratorOptions { PngCompression = (PngCompressionLevel)(-3) }.Validate());
        Assert.Throws<InvalidImageException>(() => ImageFiles.Save(image, Path.ChangeExtension(path, ".nope")));
    }
}
