using System;
using System.IO;
using System.Linq;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Weights;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Weights;

[Trait("Category", "Unit")]
public class OnnxExportTests
{
    [Theory]
    [InlineData(NormalizationKind.Batch)]
    [InlineData(NormalizationKind.Instance)]
    public void OnnxRuntimeComputesTheSameOutputAsTorchSharp(NormalizationKind normalization)
    {
        string path = Path.Combine(TestData.NewFolder(), "generator.onnx");
        using var weights = WeightFile.Load(Fixtures.PathOf(normalization == NormalizationKind.Batch ? "tiny_unet_batch.pth" : "tiny_unet_instance.pth"));
        using var generator = new UnetGenerator(Pix2PixWeights.InferGeneratorOptions(weights));
        ModuleWeights.Load(generator, weights);
        generator.eval();
        OnnxExport.ExportGenerator(generator, path);

        AssertOnnxRuntimeAgrees(generator, path, 2, 3, 64, 32);
        using var initializers = WeightFile.Load(path);
        Assert.True(initializers["model.model.0.weight"].eq(weights["model.model.0.weight"]).all().item<bool>());
    }

    [Theory]
    [InlineData(UnetUpsampling.ResizeConvolution)]
    [InlineData(UnetUpsampling.PixelShuffle)]
    public void AnUpsamplingGeneratorExportsAndItsShapeIsReadBack(UnetUpsampling upsampling)
    {
        string path = Path.Combine(TestData.NewFolder(), "upsampling.onnx");
        var options = new UnetGeneratorOptions { Downsamplings = 5, Filters = 8, InputChannels = 4, Normalization = NormalizationKind.Instance, Upsampling = upsampling };
        torch.manual_seed(6);
        using var generator = new UnetGenerator(options);
        generator.eval();
        OnnxExport.ExportGenerator(generator, path);

        AssertOnnxRuntimeAgrees(generator, path, 1, 4, 32, 64);
        using var weights = WeightFile.Load(path);
        Assert.Equal(options, Pix2PixWeights.InferGeneratorOptions(weights));
    }

    /// <summary>ONNX Runtime running the exported file gives TorchSharp's output on a random input of <paramref name="shape"/>, within 1e-4.</summary>
    private static void AssertOnnxRuntimeAgrees(UnetGenerator generator, string path, params int[] shape)
    {
        using var input = torch.rand(shape.Select(d => (long)d).ToArray()) * 2 - 1;
        float[] expected;
        using (torch.no_grad())
        using (var output = generator.call(input))
        {
            expected = output.data<float>().ToArray();
        }

        using var session = new InferenceSession(path);
        var onnxInput = new DenseTensor<float>(input.data<float>().ToArray(), shape);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", onnxInput) });
        float[] actual = results[0].AsEnumerable<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        double difference = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference < 1e-4, $"max difference {difference}");
    }
}
