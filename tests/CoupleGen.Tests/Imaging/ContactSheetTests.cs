using System;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace CoupleGen.Tests.Imaging;

[Trait("Category", "Unit")]
public class ContactSheetTests
{
    [Fact]
    public void LaysOutRowsOfTilesWithGaps()
    {
        using var red = new Image<Rgb24>(10, 10, new Rgb24(255, 0, 0));
        using var blue = new Image<Rgb24>(20, 5, new Rgb24(0, 0, 255));
        using var sheet = ContactSheet.Create(new[] { new[] { red, blue }, new[] { blue } }, tileSize: 16, gap: 2);
        Assert.Equal(new Size(2 + 16 + 2 + 16 + 2, 2 + 16 + 2 + 16 + 2), sheet.Size());
        Assert.Equal(new Rgb24(255, 0, 0), sheet[10, 10]);
        Assert.Equal(new Rgb24(0, 0, 255), sheet[28, 10]);
        Assert.Equal(new Rgb24(255, 255, 255), sheet[28, 28]);
        Assert.Throws<ArgumentException>(() => ContactSheet.Create(Array.Empty<Image<Rgb24>[]>(), 16));
    }
}
