using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Imaging;
using CoupleGen.Models.ResNet;
using CoupleGen.Weights;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace CoupleGen.Tests.Models;

/// <summary>
/// The real ImageNet ResNet18 of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 (restored by the test
/// project as a PackageDownload), loaded through CoupleGen's ONNX reader and compared with ONNX Runtime
/// running the same file.
/// </summary>
[Trait("Category", "Unit")]
public class ResNet18FeaturizerTests
{
    // The featurizer graph's tensors at the end of each stage (CNTK node names), made graph outputs so
    // ONNX Runtime returns them too.
    private static readonly (string Tap, string Node)[] Stages =
    {
        ("relu", "ReLU253_Output_0"),
        ("layer1", "ReLU283_Output_0"),
        ("layer2", "ReLU315_Output_0"),
        ("layer3", "ReLU347_Output_0"),
        ("layer4", "ReLU393_Output_0"),
        ("pool", "Pooling395_Output_0"),
    };

    private static string ModelFolder => Fixtures.ResNet18FeaturizerFolder;

    [Fact]
    public void EveryStageEqualsOnnxRuntimesOnTheSameInput()
    {
        string model = Path.Combine(ModelFolder, "ResNet18Onnx", "ResNet18.onnx");
        string preprocess = Path.Combine(ModelFolder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        float[] pixels = FacePixels();

        using var prepSession = new InferenceSession(preprocess);
        using var prepared = prepSession.Run(new[] { NamedOnnxValue.CreateFromTensor("OriginalInput", new DenseTensor<float>(pixels, new[] { 1, 3, 224, 224 })) });
        float[] normalized = prepared[0].AsEnumerable<float>().ToArray();

        using var session = new InferenceSession(WithOutputs(File.ReadAllBytes(model), Stages.Select(s => s.Node)));
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Input247", new DenseTensor<float>(normalized, new[] { 1, 3, 224, 224 })) });
        var reference = results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());

        using var weights = WeightFile.Load(model);
        using var network = ResNetFeatures.FromWeights(weights, new ResNetFeatureOptions { Taps = Stages.Select(s => s.Tap).ToArray(), Convention = ResNetInputConvention.CntkFeaturizer });

        // CNTK's "ResNet18" has a third block in layer4, read from the graph; its producer picks the convention by default.
        Assert.Equal("CNTK", weights.Producer);
        using (var defaults = ResNetFeatures.FromWeights(weights))
        {
            Assert.Equal(ResNetInputConvention.CntkFeaturizer, defaults.Options.Convention);
        }

        Assert.Equal(new[] { 2, 2, 2, 3 }, network.Options.BlocksPerStage);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor[] features = network.ForwardNormalized(torch.tensor(normalized, new long[] { 1, 3, 224, 224 }));
        for (int i = 0; i < Stages.Length; i++)
        {
            float[] expected = reference[Stages[i].Node];
            float[] actual = features[i].data<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            double scale = expected.Max(Math.Abs);
            double difference = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(difference <= 1e-4 * Math.Max(1, scale), $"{Stages[i].Tap}: max difference {difference} (largest value {scale})");
        }

        // From a [-1, 1] image with the per-channel means instead of the mean image, the embedding stays the same direction.
        Tensor image = torch.tensor(pixels, new long[] { 1, 3, 224, 224 }).div(127.5).sub(1);
        Tensor pool = network.call(image)[^1].flatten();
        Tensor exact = torch.tensor(reference["Pooling395_Output_0"]);
        double cosine = pool.dot(exact).item<float>() / (pool.norm().item<float>() * exact.norm().item<float>());
        Assert.True(cosine > 0.995, $"cosine {cosine}");
    }

    /// <summary>A synthetic face at 224x224 as RGB planes in [0, 255], the featurizer's input.</summary>
    private static float[] FacePixels()
    {
        using ImagePair pair = new SyntheticCoupleDataset(1, 256, seed: 5).GetPair(0);
        using Image<Rgb24> face = pair.B.Clone(c => c.Resize(224, 224));
        using Tensor unit = ImageTensor.ToTensor(face);
        using Tensor bytes = unit.add(1).mul(127.5);
        return bytes.data<float>().ToArray();
    }

    /// <summary>Appends graph outputs (GraphProto.output, field 12: a ValueInfoProto with only its name) to an ONNX model.</summary>
    private static byte[] WithOutputs(byte[] model, IEnumerable<string> names)
    {
        var extra = new List<byte>();
        foreach (string name in names.Where(n => n != "Pooling395_Output_0"))
        {
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(name);
            var valueInfo = new List<byte> { (1 << 3) | 2 };
            valueInfo.AddRange(Varint((ulong)utf8.Length));
            valueInfo.AddRange(utf8);
            extra.Add((12 << 3) | 2);
            extra.AddRange(Varint((ulong)valueInfo.Count));
            extra.AddRange(valueInfo);
        }

        var result = new List<byte>();
        int position = 0;
        while (position < model.Length)
        {
            int start = position;
            ulong key = ReadVarint(model, ref position);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            int payloadStart = position;
            int end = wire switch
            {
                0 => SkipVarint(model, position),
                1 => position + 8,
                2 => (int)ReadVarint(model, ref payloadStart) + payloadStart,
                5 => position + 4,
                _ => throw new InvalidDataException($"wire type {wire}"),
            };
            if (field == 7 && wire == 2)
            {
                result.Add((7 << 3) | 2);
                result.AddRange(Varint((ulong)(end - payloadStart + extra.Count)));
                result.AddRange(model.AsSpan(payloadStart, end - payloadStart).ToArray());
                result.AddRange(extra);
            }
            else
            {
                result.AddRange(model.AsSpan(start, end - start).ToArray());
            }

            position = end;
        }

        return result.ToArray();
    }

    private static int SkipVarint(byte[] data, int position)
    {
        ReadVarint(data, ref position);
        return position;
    }

    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private static IEnumerable<byte> Varint(ulong value)
    {
        while (value >= 0x80)
        {
            yield return (byte)(value | 0x80);
            value >>= 7;
        }

        yield return (byte)value;
    }
}
