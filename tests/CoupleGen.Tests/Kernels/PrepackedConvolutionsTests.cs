using System;
using System.Linq;
using CoupleGen.Kernels;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Models;
using CoupleGen.Precision;
using CoupleGen.Training;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Kernels;

[Trait("Category", "Unit")]
public class PrepackedConvolutionsTests
{
    // 16 filters at 64x64: the inner levels have 128 channels, so their convolutions are eligible.
    private static UnetGenerator NewGenerator(int filters = 16, int seed = 3)
    {
        torch.manual_seed(seed);
        return new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 6, Filters = filters });
    }

    /// <summary>A generator in evaluation mode, converted to bfloat16 channels-last as PartnerGenerator does.</summary>
    private static UnetGenerator NewBf16Generator(int filters = 16, int seed = 3)
    {
        // oneDNN packs bfloat16 weights only where the CPU computes in bfloat16; elsewhere generation runs in FP32 (Precision = Auto).
        Skip.IfNot(CoupleGen.Native.CpuFeatures.HasNativeBFloat16, "bfloat16 prepacking needs a CPU with AVX512-BF16 or AMX; this one has neither.");
        UnetGenerator generator = NewGenerator(filters, seed);
        generator.eval();
        BFloat16Inference.Convert(generator);
        return generator;
    }

    private static Tensor Bf16Input(int batch) => BFloat16Inference.ToInput(torch.rand(batch, 3, 64, 64).mul_(2).sub_(1));

    [SkippableFact]
    public void PrepackedLevelsGiveTheModulesOutput()
    {
        using var generator = NewBf16Generator();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor input = Bf16Input(2);
        Tensor expected = generator.call(input).to(ScalarType.Float32);

        using var packed = PrepackedConvolutions.Apply(generator, 64, keepModuleWeights: true);
        Assert.NotNull(packed);

        // Down convolutions at 16, 8, 4 and 2 pixels, transposed ones at 1, 2, 4 and 8.
        Assert.Equal(8, packed!.PackedLayers);
        Assert.Empty(packed.Rejections);
        Tensor actual = generator.call(input).to(ScalarType.Float32);
        Assert.Equal(expected.shape, actual.shape);
        double difference = actual.sub(expected).abs().max().item<float>();
        Assert.InRange(difference, 0, PrepackedConvolutions.Tolerance);

        PrepackedConvolutions.Remove(generator);
        Tensor restored = generator.call(input).to(ScalarType.Float32);
        Assert.True(restored.equal(expected).all().item<bool>(), "the modules run again after Remove");
    }

    [SkippableFact]
    public void LayersLibtorchGetsWrongKeepTheirModules()
    {
        // 3 filters in bfloat16 channels-last: 24-channel inner layers, which libtorch 2.10 computes wrongly
        // from prepacked weights.
        using var generator = NewBf16Generator(filters: 3, seed: 8);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor input = Bf16Input(1);
        Tensor expected = generator.call(input).to(ScalarType.Float32);

        using var packed = PrepackedConvolutions.Apply(generator, 64, tryAnyChannelCount: true);
        Assert.NotNull(packed);
        Assert.NotEmpty(packed!.Rejections);
        Assert.Contains("differs from its module", packed.Rejections[0], StringComparison.Ordinal);
        Tensor actual = generator.call(input).to(ScalarType.Float32);
        Assert.InRange(actual.sub(expected).abs().max().item<float>(), 0, PrepackedConvolutions.Tolerance);
    }

    [SkippableFact]
    public void PackedLayersFreeTheirModulesWeights()
    {
        using var generator = NewBf16Generator();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor input = Bf16Input(1);
        Tensor before = generator.call(input).to(ScalarType.Float32);
        long elements = generator.parameters().Sum(p => p.numel());

        using var packed = PrepackedConvolutions.Apply(generator, 64);
        Tensor after = generator.call(input).to(ScalarType.Float32);
        Assert.InRange(after.sub(before).abs().max().item<float>(), 0, PrepackedConvolutions.Tolerance);
        Assert.True(generator.parameters().Sum(p => p.numel()) < elements / 2, "most weights are freed");
    }

    [Fact]
    public void TransposedConvolutionPhasesEqualConvTranspose2d()
    {
        // One level, compared in FP32 against libtorch's own transposed convolution.
        using var generator = NewGenerator();
        generator.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor input = torch.rand(1, 3, 64, 64).mul_(2).sub_(1);
        Tensor expected = generator.call(input);
        using var packed = PrepackedConvolutions.Apply(generator, 64);
        Assert.NotNull(packed);

        // FP32 packs wider levels: down convolutions from 64 pixels, transposed ones up to 32 except the
        // outermost (3 output channels, which libtorch's prepacked path gets wrong).
        Assert.Equal(11, packed!.PackedLayers);
        Tensor actual = generator.call(input);
        Assert.True(actual.sub(expected).abs().max().item<float>() < 1e-4, "FP32 prepacked path equals the modules");
    }

    [Theory]
    [InlineData(UnetUpsampling.ResizeConvolution)]
    [InlineData(UnetUpsampling.PixelShuffle)]
    public void AStrideOneDecoderPacksOnlyItsDownConvolutions(UnetUpsampling upsampling)
    {
        torch.manual_seed(5);
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 6, Filters = 16, Upsampling = upsampling });
        generator.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor input = torch.rand(1, 3, 64, 64).mul_(2).sub_(1);
        Tensor expected = generator.call(input);
        using var packed = PrepackedConvolutions.Apply(generator, 64);
        Assert.NotNull(packed);

        // The six stride-2 convolutions; the decoder's 3x3 convolutions keep their modules and are not even tried.
        Assert.Equal(6, packed!.PackedLayers);
        Assert.Empty(packed.Rejections);
        Assert.True(generator.call(input).sub(expected).abs().max().item<float>() < 1e-4, "FP32 prepacked path equals the modules");
    }

    [Fact]
    public void CoupleGeneratorUnetPrepackedEqualsItsModules()
    {
        torch.manual_seed(4);
        using var generator = new CoupleGen.Models.CoupleGenerator.CoupleGeneratorUnet(new CoupleGen.Models.CoupleGenerator.CoupleGeneratorUnetOptions { Downsamplings = 6, Filters = 16, DropoutAtInference = false });
        generator.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor input = torch.rand(2, 3, 64, 64).mul_(2).sub_(1);
        torch.manual_seed(9);
        Tensor expected = generator.call(input);
        using var packed = PrepackedConvolutions.Apply(generator, 64, keepModuleWeights: true);
        Assert.NotNull(packed);

        // Encoders at 64 to 2 pixels with 16 to 128 channels; decoders up to 32 pixels except the last (3 channels).
        Assert.Equal(11, packed!.PackedLayers);
        torch.manual_seed(9);
        Tensor actual = generator.call(input);
        Assert.True(actual.sub(expected).abs().max().item<float>() < 1e-4, "FP32 prepacked path equals the modules");
        PrepackedConvolutions.Remove(generator);
        torch.manual_seed(9);
        Assert.True(generator.call(input).equal(expected).all().item<bool>(), "the modules run again after Remove");
    }

    [Fact]
    public void CoupleGeneratorPartnerGeneratorPrepacksAndGeneratesWithDropoutAtInference()
    {
        torch.manual_seed(6);
        var options = Pix2PixOptions.CoupleGeneratorRecipe with
        {
            CoupleGeneratorNetwork = new CoupleGen.Models.CoupleGenerator.CoupleGeneratorUnetOptions { Downsamplings = 5, Filters = 16 },
            Discriminator = new PatchDiscriminatorOptions { Filters = 4 },
            ImageSize = 64,
            LoadSize = 64,
            PerceptualWeight = 0,
            Seed = 3,
            Device = torch.CPU,
        };
        using var trainer = new Pix2PixTrainer(options);
        using var partner = PartnerGenerator.FromTrainer(trainer, new PartnerGeneratorOptions { Device = torch.CPU, Precision = InferencePrecision.Fp32 });
        Assert.True(partner.PrepackedLayers > 0, "the CoupleGenerator U-Net is prepacked");
        using var pair = new SyntheticCoupleDataset(2, 64).GetPair(0);
        using var image = partner.Generate(pair.A);
        Assert.Equal(64, image.Width);
    }

    [Fact]
    public void PartnerGeneratorUsesThemInBothPrecisionsAndLeavesNoLiveTensors()
    {
        using var generator = NewGenerator();
        using var partner = new PartnerGenerator(generator, 64, new PartnerGeneratorOptions { Device = torch.CPU, Precision = InferencePrecision.Bf16 });
        using var fp32 = new PartnerGenerator(generator, 64, new PartnerGeneratorOptions { Device = torch.CPU, Precision = InferencePrecision.Fp32 });
        Assert.Equal(11, fp32.PrepackedLayers);
        if (CoupleGen.Native.CpuFeatures.HasNativeBFloat16)
        {
            Assert.Equal(8, partner.PrepackedLayers);
        }

        using var pair = new SyntheticCoupleDataset(1, 64).GetPair(0);
        partner.Generate(pair.A).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 20; i++)
        {
            using var image = partner.Generate(pair.A);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        using var reduced = partner.Generate(pair.A);
        using var full = fp32.Generate(pair.A);
        int worst = 0;
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                Rgb24 a = reduced[x, y], b = full[x, y];
                worst = Math.Max(worst, Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B))));
            }
        }

        Assert.True(worst <= 8, $"prepacked bf16 within 8 levels of FP32 (max {worst})");
    }
}
