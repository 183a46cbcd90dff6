using System;
using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Export;
using CoupleGen.Generation;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Precision;
using CoupleGen.Tests.Samples;
using CoupleGen.Training;
using CoupleGen.Weights;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Export;

[Trait("Category", "Unit")]
public class GeneratorExportTests
{
    private static readonly PartnerGeneratorOptions Fp32 = new() { Device = torch.CPU, Precision = InferencePrecision.Fp32 };

    /// <summary>A checkpoint of a few training steps, so its optimizer holds real state.</summary>
    private static string TrainedCheckpoint(Pix2PixOptions? options = null)
    {
        string path = Path.Combine(TestData.NewFolder(), "couplegen.ckpt");
        using var trainer = new Pix2PixTrainer((options ?? TestData.TinyOptions()) with { MaxSteps = 2 });
        trainer.Train(new SyntheticCoupleDataset(4, 32, seed: 3));
        trainer.SaveCheckpoint(path);
        return path;
    }

    private static byte[] Generate(string path, Image<Rgb24> face)
    {
        using var generator = PartnerGenerator.FromCheckpoint(path, Fp32);
        using Image<Rgb24> partner = generator.Generate(face);
        return TestData.Pixels(partner);
    }

    [Fact]
    public void AModelFileGeneratesWhatItsCheckpointDoesAtAFractionOfTheSize()
    {
        string checkpoint = TrainedCheckpoint();
        string model = Path.Combine(Path.GetDirectoryName(checkpoint)!, "partner.couplegen");
        string bf16 = Path.Combine(Path.GetDirectoryName(checkpoint)!, "partner.bf16.couplegen");
        GeneratorExport.Export(checkpoint, model);
        GeneratorExport.Export(checkpoint, bf16, new GeneratorExportOptions { Precision = ExportPrecision.BFloat16 });

        using var face = new SyntheticCoupleDataset(1, 32, seed: 8).GetPair(0);
        byte[] expected = Generate(checkpoint, face.A);
        Assert.Equal(expected, Generate(model, face.A));
        byte[] rounded = Generate(bf16, face.A);
        int largest = expected.Zip(rounded, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(largest, 0, 8);

        long checkpointSize = new FileInfo(checkpoint).Length;
        Assert.True(new FileInfo(model).Length < checkpointSize / 2.5, "the generator alone is about a third of a checkpoint");
        Assert.True(new FileInfo(bf16).Length < new FileInfo(model).Length * 0.55, "bfloat16 halves it again");

        var error = Assert.Throws<CheckpointException>(() => Pix2PixTrainer.Resume(model, device: torch.CPU));
        Assert.Contains("generator-only", error.Message, StringComparison.Ordinal);
        Assert.Contains(model, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APartnerModelKeepsItsSexControlInEveryFormat()
    {
        var partner = Pix2PixOptions.PartnerRecipe with
        {
            Generator = Pix2PixOptions.PartnerRecipe.Generator with { Downsamplings = 5, Filters = 8 },
            Discriminator = Pix2PixOptions.PartnerRecipe.Discriminator with { Filters = 8 },
            ImageSize = 32,
            LoadSize = 36,
            BatchSize = 2,
            Device = torch.CPU,
            Precision = TrainingPrecision.Fp32,
            LogInterval = 1000,
            CheckpointInterval = 0,
        };
        string checkpoint = TrainedCheckpoint(partner);
        string folder = Path.GetDirectoryName(checkpoint)!;
        string pth = Path.Combine(folder, "partner.pth");
        string onnx = Path.Combine(folder, "partner.onnx");
        GeneratorExport.Export(checkpoint, pth, new GeneratorExportOptions { Format = ModelFileFormat.PyTorch });
        GeneratorExport.Export(checkpoint, onnx, new GeneratorExportOptions { Format = ModelFileFormat.Onnx });

        using var face = new SyntheticCoupleDataset(1, 32, seed: 8).GetPair(0);
        Assert.Equal(Generate(checkpoint, face.A), Generate(pth, face.A));
        using (var generator = PartnerGenerator.FromCheckpoint(pth, Fp32))
        {
            Assert.True(generator.HasSexControl);
        }

        using var weights = WeightFile.Load(onnx);
        var inferred = Pix2PixWeights.InferGeneratorOptions(weights);
        Assert.Equal(partner.Generator with { Normalization = inferred.Normalization, UseDropout = inferred.UseDropout }, inferred);
    }

    [Fact]
    public void BadRequestsNameTheProblem()
    {
        string folder = TestData.NewFolder();
        string missing = Path.Combine(folder, "missing.ckpt");
        var error = Assert.Throws<CheckpointException>(() => GeneratorExport.Export(missing, Path.Combine(folder, "out.couplegen")));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "out.couplegen")));

        Assert.Throws<ArgumentException>(() => new GeneratorExportOptions { Format = ModelFileFormat.Onnx, Precision = ExportPrecision.BFloat16 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeneratorExportOptions { Format = (ModelFileFormat)5 }.Validate());

        string couple = Path.Combine(folder, "couple.ckpt");
        using (var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { Recipe = TrainingRecipe.CoupleGenerator, ImageSize = 64, LoadSize = 64, CoupleGeneratorNetwork = new CoupleGen.Models.CoupleGenerator.CoupleGeneratorUnetOptions { Downsamplings = 5, Filters = 8 }, PerceptualWeight = 0 }))
        {
            trainer.SaveCheckpoint(couple);
        }

        var unsupported = Assert.Throws<NotSupportedException>(() => GeneratorExport.Export(couple, Path.Combine(folder, "couple.onnx"), new GeneratorExportOptions { Format = ModelFileFormat.Onnx }));
        Assert.Contains("CoupleGen model file", unsupported.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "couple.onnx")));
    }

    [Fact]
    public void TheSampleExportsByExtensionAndGeneratesFromTheFile()
    {
        string checkpoint = TrainedCheckpoint();
        string folder = Path.GetDirectoryName(checkpoint)!;
        string model = Path.Combine(folder, "model.couplegen");
        var (code, output, error) = SampleApp.Run("export", "--checkpoint", checkpoint, "--output", model, "--precision", "bf16");
        Assert.True(code == 0, error);
        Assert.Contains("couplegen, bf16", output, StringComparison.Ordinal);

        string input = Path.Combine(folder, "face.png");
        using (var face = new SyntheticCoupleDataset(1, 32, seed: 8).GetPair(0))
        {
            face.A.SaveAsPng(input);
        }

        (code, _, error) = SampleApp.Run("generate", "--checkpoint", model, "--input", input, "--output", Path.Combine(folder, "partner.png"));
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(folder, "partner.png")));

        (code, _, error) = SampleApp.Run("export", "--checkpoint", checkpoint, "--output", Path.Combine(folder, "model.onnx"), "--precision", "bf16");
        Assert.Equal(2, code);
        Assert.Contains("bf16", error, StringComparison.Ordinal);
    }
}
