using System;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace CoupleGen.Tests.Evaluation;

[Trait("Category", "Unit")]
public class ImageMetricsTests
{
    [Fact]
    public void IdenticalImagesScorePerfectly()
    {
        using var face = new SyntheticCoupleDataset(1, 32).GetPair(0).A;
        Assert.Equal(0, ImageMetrics.L1(face, face));
        Assert.True(double.IsPositiveInfinity(ImageMetrics.Psnr(face, face)));
        Assert.Equal(1.0, ImageMetrics.Ssim(face, face), 5);
    }

    [Fact]
    public void KnownDifferencesGiveKnownScores()
    {
        using var black = new Image<Rgb24>(16, 16, new Rgb24(0, 0, 0));
        using var grey = new Image<Rgb24>(16, 16, new Rgb24(51, 51, 51));
        Assert.Equal(51 / 127.5, ImageMetrics.L1(black, grey), 6);
        Assert.Equal(10 * Math.Log10(255.0 * 255.0 / (51.0 * 51.0)), ImageMetrics.Psnr(black, grey), 4);
    }

    [Fact]
    public void SsimFallsWithStructuralChangeAndNeedsAWindow()
    {
        using var face = new SyntheticCoupleDataset(1, 64).GetPair(0).A;
        using var blurred = face.Clone(x => x.GaussianBlur(3));
        using var inverted = face.Clone(x => x.Invert());
        double blur = ImageMetrics.Ssim(face, blurred);
        double invert = ImageMetrics.Ssim(face, inverted);
        Assert.InRange(blur, 0.3, 0.999);
        Assert.True(invert < blur, $"inverted {invert} should score below blurred {blur}");
        using var tiny = new Image<Rgb24>(8, 8);
        Assert.Throws<ArgumentException>(() => ImageMetrics.Ssim(tiny, tiny));
        using var other = new Image<Rgb24>(64, 32);
        Assert.Throws<ArgumentException>(() => ImageMetrics.L1(face, other));
    }
}
