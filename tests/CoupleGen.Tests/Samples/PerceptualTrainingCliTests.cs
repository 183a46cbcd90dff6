using System;
using System.IO;
using System.Linq;
using CoupleGen.Models.Vgg;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Samples;

/// <summary>
/// <c>train</c> with a perceptual network, then its held-out evaluation with the same network, through the
/// sample as a user runs it: every precision with every network ends with a report, not an abort.
/// </summary>
[Trait("Category", "Integration")]
public class PerceptualTrainingCliTests
{
    private static readonly Lazy<string> Couples = new(WriteCouples);
    private static readonly Lazy<string> Vgg16 = new(WriteVgg16);

    [Theory]
    [InlineData("fp32", "resnet18")]
    [InlineData("mixed", "resnet18")]
    [InlineData("auto", "resnet18")]
    [InlineData("fp32", "vgg16")]
    [InlineData("mixed", "vgg16")]
    [InlineData("auto", "vgg16")]
    [InlineData("fp32", "vgg16-couplegenerator")]
    [InlineData("mixed", "vgg16-couplegenerator")]
    public void TrainThenEvaluateWithAPerceptualNetworkEndsWithAReport(string precision, string network)
    {
        string output = Path.Combine(TestData.NewFolder(), "run");
        string[] loss = network switch
        {
            "resnet18" => new[] { "--perceptual", Fixtures.ResNet18Onnx, "--perceptual-weight", "10" },
            "vgg16" => new[] { "--perceptual", Vgg16.Value, "--perceptual-weight", "1" },
            _ => new[] { "--recipe", "couplegenerator", "--vgg", Vgg16.Value },
        };
        string[] arguments = new[] { "train", "--data", Couples.Value, "--out", output, "--image-size", "64", "--filters", "8", "--steps", "2", "--hold-out", "1", "--precision", precision }.Concat(loss).ToArray();

        var (code, stdout, error) = SampleApp.Run(arguments);

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("| model |", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "quality.json")));
    }

    private static string WriteCouples()
    {
        string data = Path.Combine(TestData.NewFolder(), "couples");
        var synthetic = new CoupleGen.Data.SyntheticCoupleDataset(3, 64);
        for (int i = 0; i < synthetic.Count; i++)
        {
            using var pair = synthetic.GetPair(i);
            using var sideBySide = new Image<Rgb24>(128, 64);
            sideBySide.Mutate(c => c.DrawImage(pair.A, new Point(0, 0), 1f).DrawImage(pair.B, new Point(64, 0), 1f));
            Directory.CreateDirectory(Path.Combine(data, $"{i}"));
            sideBySide.SaveAsPng(Path.Combine(data, $"{i}", "1.png"));
        }

        return data;
    }

    // A full-width VGG16 (the sample loads real-sized networks) with seeded random weights: no registry serves trained ones.
    private static string WriteVgg16()
    {
        string path = Path.Combine(TestData.NewFolder(), "vgg16.dat");
        torch.manual_seed(3);
        using var vgg = new VggFeatures(new VggFeatureOptions { Taps = new[] { "relu1_2", "relu2_2", "relu3_3", "relu4_3", "relu5_3" } });
        vgg.save(path);
        return path;
    }
}
