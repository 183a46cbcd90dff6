using System;
using System.IO;
using CoupleGen.Generation;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Weights;

[Trait("Category", "Unit")]
public class Pix2PixWeightsTests
{
    [Theory]
    [InlineData("tiny_unet_batch.pth", "tiny_unet_batch")]
    [InlineData("tiny_unet_batch_legacy.pth", "tiny_unet_batch")]
    [InlineData("tiny_unet_instance.pth", "tiny_unet_instance")]
    [InlineData("tiny_unet_instance_legacy.pth", "tiny_unet_instance")]
    public void GeneratorOutputsEqualPyTorchsInEvalMode(string file, string stem)
    {
        using var generator = Pix2PixWeights.LoadGenerator(Fixtures.PathOf(file));
        Assert.Equal(5, generator.Options.Downsamplings);
        Assert.Equal(4, generator.Options.Filters);
        Assert.Equal(stem.EndsWith("batch", StringComparison.Ordinal) ? NormalizationKind.Batch : NormalizationKind.Instance, generator.Options.Normalization);
        generator.eval();
        using var input = WeightFile.Load(Fixtures.PathOf(stem + "_input.npy"));
        using var expected = WeightFile.Load(Fixtures.PathOf(stem + "_output.npy"));
        using var noGrad = torch.no_grad();
        using var output = generator.call(input[stem + "_input"]);
        double difference = (output - expected[stem + "_output"]).abs().max().item<float>();
        Assert.True(difference < 1e-4, $"max difference {difference}");
    }

    [Theory]
    [InlineData("tiny_patchgan.pth")]
    [InlineData("tiny_patchgan_legacy.pth")]
    public void DiscriminatorOutputsEqualPyTorchs(string file)
    {
        using var discriminator = Pix2PixWeights.LoadDiscriminator(Fixtures.PathOf(file));
        discriminator.eval();
        using var input = WeightFile.Load(Fixtures.PathOf("tiny_patchgan_input.npy"));
        using var expected = WeightFile.Load(Fixtures.PathOf("tiny_patchgan_output.npy"));
        using var noGrad = torch.no_grad();
        using var output = discriminator.call(input["tiny_patchgan_input"]);
        Assert.True((output - expected["tiny_patchgan_output"]).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void ExportedGeneratorRoundTripsThroughOurReader()
    {
        string path = Path.Combine(TestData.NewFolder(), "latest_net_G.pth");
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 4 });
        Pix2PixWeights.ExportGenerator(generator, path);
        Assert.Equal(WeightFormat.PyTorchZip, WeightFile.Detect(path));
        using var loaded = Pix2PixWeights.LoadGenerator(path);
        foreach (var (key, tensor) in generator.state_dict())
        {
            Assert.True(tensor.eq(loaded.state_dict()[key]).all().item<bool>(), key);
        }
    }

    [Fact]
    public void PartnerGeneratorAcceptsAPix2PixPthDirectly()
    {
        using var generator = PartnerGenerator.FromCheckpoint(Fixtures.PathOf("tiny_unet_batch.pth"), new PartnerGeneratorOptions { Device = torch.CPU });
        Assert.Equal(32, generator.ImageSize);
        using var partner = generator.Generate(new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(40, 40));
        Assert.Equal(32, partner.Width);
    }
}
