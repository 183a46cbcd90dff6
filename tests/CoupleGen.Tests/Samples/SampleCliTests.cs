using System;
using System.IO;
using CoupleGen.Data;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace CoupleGen.Tests.Samples;

/// <summary>Runs the sample console app as a user does and checks exit codes and messages.</summary>
[Trait("Category", "Integration")]
public class SampleCliTests
{
    [Fact]
    public void GenerateWithAMissingCheckpointPrintsThePathAndExitsNonZero()
    {
        string folder = TestData.NewFolder();
        string missing = Path.Combine(folder, "missing.ckpt");
        var (code, _, error) = SampleApp.Run("generate", "--checkpoint", missing, "--input", "x.png", "--output", "y.png");
        Assert.Equal(1, code);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public void GenerateWithACorruptImagePrintsThePathAndExitsNonZero()
    {
        string folder = TestData.NewFolder();
        string checkpoint = Path.Combine(folder, "model.ckpt");
        TestData.SaveTinyCheckpoint(checkpoint);

        string corrupt = Path.Combine(folder, "face.jpg");
        File.WriteAllBytes(corrupt, new byte[] { 0xFF, 0xD8, 0xFF, 0xDB, 0, 0, 0 });
        var (code, _, error) = SampleApp.Run("generate", "--checkpoint", checkpoint, "--input", corrupt, "--output", Path.Combine(folder, "out.png"));
        Assert.Equal(1, code);
        Assert.Contains(corrupt, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "out.png")));
    }

    [Fact]
    public void GenerateWritesPartnersForAFolder()
    {
        string folder = TestData.NewFolder();
        string checkpoint = Path.Combine(folder, "model.ckpt");
        TestData.SaveTinyCheckpoint(checkpoint);

        string inputs = Path.Combine(folder, "in");
        Directory.CreateDirectory(inputs);
        var faces = new SyntheticCoupleDataset(2, 32);
        for (int i = 0; i < 2; i++)
        {
            using var pair = faces.GetPair(i);
            pair.A.SaveAsPng(Path.Combine(inputs, $"face{i}.png"));
        }

        string outputs = Path.Combine(folder, "out");
        var (code, output, error) = SampleApp.Run("generate", "--checkpoint", checkpoint, "--input", inputs, "--output", outputs);
        Assert.True(code == 0, error);
        Assert.Contains("2 partners written", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outputs, "face1.partner.png")));

        // A corrupt file fails alone: named on stderr, the others written, exit code 1.
        string corrupt = Path.Combine(inputs, "broken.png");
        File.WriteAllText(corrupt, "not a png");
        (code, output, error) = SampleApp.Run("generate", "--checkpoint", checkpoint, "--input", inputs, "--output", outputs);
        Assert.Equal(1, code);
        Assert.Contains(corrupt, error, StringComparison.Ordinal);
        Assert.Contains("2 partners written", output, StringComparison.Ordinal);
        Assert.Contains("1 failed", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outputs, "broken.partner.png")));
    }

    [Fact]
    public void UnknownOptionsAndCommandsAreUsageErrors()
    {
        Assert.Equal(2, SampleApp.Run("demo", "--stepz", "3").Code);
        Assert.Equal(2, SampleApp.Run("frobnicate").Code);
        Assert.Equal(2, SampleApp.Run("train").Code);
        Assert.Equal(2, SampleApp.Run("train", "--data", TestData.NewFolder(), "--precision", "fp16").Code);
    }

    [Fact]
    public void FaceLossWeightsBelongToThePartnerRecipe()
    {
        var (code, _, error) = SampleApp.Run("train", "--data", TestData.NewFolder(), "--recipe", "pix2pix", "--sex-weight", "1");
        Assert.Equal(2, code);
        Assert.Contains("--sex-weight and --identity-weight belong to the partner recipe", error, StringComparison.Ordinal);
        Assert.Equal(2, SampleApp.Run("train", "--data", TestData.NewFolder(), "--identity-weight", "-1").Code);
        Assert.Equal(2, SampleApp.Run("train", "--data", TestData.NewFolder(), "--recipe", "cyclegan").Code);
    }

    [Fact]
    public void NetworkShapeOptionsAreCheckedBeforeTraining()
    {
        var (code, _, error) = SampleApp.Run("train", "--data", TestData.NewFolder(), "--encoder-skips", "2");
        Assert.Equal(2, code);
        Assert.Contains("--encoder-skips shapes the ResNet U-Net of --encoder FILE", error, StringComparison.Ordinal);
        (code, _, error) = SampleApp.Run("train", "--data", TestData.NewFolder(), "--recipe", "couplegenerator", "--encoder", "resnet18.onnx");
        Assert.Equal(2, code);
        Assert.Contains("--encoder is for the partner and pix2pix recipes", error, StringComparison.Ordinal);
        (code, _, error) = SampleApp.Run("train", "--data", TestData.NewFolder(), "--recipe", "couplegenerator", "--discriminator-layers", "2");
        Assert.Equal(2, code);
        Assert.Contains("--discriminator-layers shapes the PatchGAN", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainOnAMissingFolderPrintsThePathAndExitsNonZero()
    {
        string missing = Path.Combine(TestData.NewFolder(), "no-couples");
        var (code, _, error) = SampleApp.Run("train", "--data", missing);
        Assert.Equal(1, code);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainWritesProgressSheetsACheckpointAndAHeldOutReport()
    {
        string folder = TestData.NewFolder();
        string data = Path.Combine(folder, "couples");
        var synthetic = new CoupleGen.Data.SyntheticCoupleDataset(6, 64);
        for (int i = 0; i < synthetic.Count; i++)
        {
            using var pair = synthetic.GetPair(i);
            using var sideBySide = new Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(128, 64);
            sideBySide.Mutate(c => c.DrawImage(pair.A, new Point(0, 0), 1f).DrawImage(pair.B, new Point(64, 0), 1f));
            Directory.CreateDirectory(Path.Combine(data, $"{i}"));
            sideBySide.SaveAsJpeg(Path.Combine(data, $"{i}", "1.jpg"));
        }

        string output = Path.Combine(folder, "run");
        var (code, stdout, error) = SampleApp.Run("train", "--data", data, "--out", output, "--image-size", "64", "--filters", "8", "--steps", "4", "--sheet-every", "2", "--hold-out", "2", "--precision", "mixed");
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(output, "progress", "step-000002.png")), stdout);
        Assert.True(File.Exists(Path.Combine(output, "progress", "step-000004.png")), stdout);
        using var sheet = Image.Load(Path.Combine(output, "progress", "step-000004.png"));
        Assert.True(sheet.Width >= 3 * 64, "three columns: input | generated | real");
        Assert.True(File.Exists(Path.Combine(output, "couplegen.ckpt")));
        Assert.True(File.Exists(Path.Combine(output, "quality.md")));
        using var resumed = CoupleGen.Training.Pix2PixTrainer.Resume(Path.Combine(output, "couplegen.ckpt"), device: TorchSharp.torch.CPU);
        Assert.Equal(CoupleGen.Training.TrainingPrecision.MixedBf16, resumed.Options.Precision);
    }
}
