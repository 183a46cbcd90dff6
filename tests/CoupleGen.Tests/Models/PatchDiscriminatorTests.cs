using System;
using System.Linq;
using CoupleGen.Models;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Models;

[Trait("Category", "Unit")]
public class PatchDiscriminatorTests
{
    [Fact]
    public void Basic70x70HasThePaperParameterCount()
    {
        using var discriminator = new PatchDiscriminator();
        Assert.Equal(2_768_705, discriminator.ParameterCount);
    }

    [Fact]
    public void Gives30x30LogitsAt256()
    {
        using var discriminator = new PatchDiscriminator();
        discriminator.eval();
        using var noGrad = torch.no_grad();
        using var output = discriminator.call(torch.zeros(2, 6, 256, 256));
        Assert.Equal(new long[] { 2, 1, 30, 30 }, output.shape);
    }

    [Fact]
    public void StateDictKeysAndShapesEqualPyTorchPix2Pix()
    {
        using var discriminator = new PatchDiscriminator();
        var expected = Fixtures.ShapeList("patchgan_basic_batch.keys.txt");
        var actual = discriminator.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void TooSmallInputIsAnArgumentException()
    {
        using var discriminator = new PatchDiscriminator();
        Assert.Throws<ArgumentException>(() => discriminator.call(torch.zeros(1, 6, 16, 16)));
        Assert.Throws<ArgumentException>(() => discriminator.call(torch.zeros(1, 3, 64, 64)));
    }
}
