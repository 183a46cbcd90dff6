using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using CoupleGen.Generation;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Evaluation;

public class QualityEvaluatorTests
{
    [Fact]
    public void ReportsTheModelNextToBothBaselinesAndWritesASheet()
    {
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions());
        using var generator = PartnerGenerator.FromTrainer(trainer, new PartnerGeneratorOptions { Device = torch.CPU });
        var train = new SyntheticCoupleDataset(6, 32, seed: 1);
        var heldOut = new SyntheticCoupleDataset(3, 32, seed: 2);
        string sheet = Path.Combine(TestData.NewFolder(), "sheet.png");

        QualityReport report = QualityEvaluator.Evaluate(generator, heldOut, train, new QualityEvaluationOptions { Direction = PairDirection.AToB, ContactSheetPath = sheet });

        Assert.Equal(new[] { "model", "identity", "mean partner" }, report.Rows.Select(r => r.Method));
        double identity = Enumerable.Range(0, 3).Average(i =>
        {
            using var pair = heldOut.GetPair(i);
            return ImageMetrics.L1(pair.A, pair.B);
        });
        Assert.Equal(identity, report.Rows[1].L1, 4);
        Assert.All(report.Rows, r => Assert.Null(r.Perceptual));
        Assert.Contains("| identity |", report.ToMarkdown(), System.StringComparison.Ordinal);
        Assert.Contains("\"Method\": \"mean partner\"", report.ToJson(), System.StringComparison.Ordinal);
        using var written = Image.Load(sheet);
        Assert.True(written.Width > 4 * 128);
    }

    [Fact]
    public void PerceptualDistanceWorksWithANetworkALossConvertedToBFloat16()
    {
        // A run's loss converts its network to bfloat16; the evaluation after training reuses that network.
        using var weights = CoupleGen.Weights.WeightFile.Load(Fixtures.PathOf("vgg_narrow.pth"));
        using var vgg = CoupleGen.Models.Vgg.VggFeatures.FromWeightsNarrow(weights, new CoupleGen.Models.Vgg.VggFeatureOptions { Taps = new[] { "relu1_2", "relu2_2" } }, widthDivisor: 16);
        var loss = new CoupleGen.Losses.PerceptualLoss(vgg, precision: InferencePrecision.Bf16);
        using (var images = torch.zeros(1, 3, 32, 32))
        using (loss.Compute(images, images))
        {
        }

        Assert.True(vgg.ComputesInBFloat16);
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions());
        using var generator = PartnerGenerator.FromTrainer(trainer, new PartnerGeneratorOptions { Device = torch.CPU });
        var options = new QualityEvaluationOptions { Direction = PairDirection.AToB, Perceptual = vgg };

        QualityReport report = QualityEvaluator.Evaluate(generator, new SyntheticCoupleDataset(2, 32, seed: 2), new SyntheticCoupleDataset(2, 32, seed: 1), options);

        Assert.All(report.Rows, r => Assert.True(r.Perceptual is > 0 and < double.PositiveInfinity, $"{r.Method}: {r.Perceptual}"));
    }
}
