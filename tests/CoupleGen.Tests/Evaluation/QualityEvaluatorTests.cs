using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using CoupleGen.Generation;
using CoupleGen.Precision;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Evaluation;

[Trait("Category", "Unit")]
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

        QualityReport report = QualityEvaluator.Evaluate(generator, heldOut, train, new QualityEvaluationOptions { Direction = PairDirection.AToB, ContactSheetPath = sheet, FaceMeasures = false });

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
        using var vgg = CoupleGen.Models.Vgg.VggFeatures.FromWeights(weights, new CoupleGen.Models.Vgg.VggFeatureOptions { Taps = new[] { "relu1_2", "relu2_2" } });
        var loss = new CoupleGen.Losses.PerceptualLoss(vgg, precision: InferencePrecision.Bf16);
        using (var images = torch.zeros(1, 3, 32, 32))
        using (loss.Compute(images, images))
        {
        }

        Assert.True(vgg.ComputesInBFloat16);
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions());
        using var generator = PartnerGenerator.FromTrainer(trainer, new PartnerGeneratorOptions { Device = torch.CPU });
        var options = new QualityEvaluationOptions { Direction = PairDirection.AToB, Perceptual = vgg, FaceMeasures = false };

        QualityReport report = QualityEvaluator.Evaluate(generator, new SyntheticCoupleDataset(2, 32, seed: 2), new SyntheticCoupleDataset(2, 32, seed: 1), options);

        Assert.All(report.Rows, r => Assert.True(r.Perceptual is > 0 and < double.PositiveInfinity, $"{r.Method}: {r.Perceptual}"));
    }

    [Fact]
    public void FaceMeasuresAndEveryBaselineAreReportedAndRetrievalFindsAnInputItWasTrainedOn()
    {
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions());
        using var generator = PartnerGenerator.FromTrainer(trainer, new PartnerGeneratorOptions { Device = torch.CPU });
        var pairs = new SyntheticCoupleDataset(4, 32, seed: 3);
        string sheet = Path.Combine(TestData.NewFolder(), "sheet.png");

        // Held out = training: retrieval finds each input itself, so its output is the real partner.
        QualityReport report = QualityEvaluator.Evaluate(generator, pairs, pairs, new QualityEvaluationOptions { Direction = PairDirection.AToB, ContactSheetPath = sheet });

        Assert.Equal(
            new[] { QualityEvaluator.Model, QualityEvaluator.Identity, QualityEvaluator.MeanPartner, QualityEvaluator.MeanPartnerOfSex, QualityEvaluator.Retrieval, QualityEvaluator.RandomPartnerOfSex },
            report.Rows.Select(r => r.Method));
        QualityRow retrieval = report.Rows.Single(r => r.Method == QualityEvaluator.Retrieval);
        Assert.Equal(0, retrieval.L1, 6);
        Assert.Equal(1, retrieval.SexAgreement);
        Assert.Equal(0, retrieval.AgeGap!.Value, 6);
        Assert.Equal(1, retrieval.IdentitySimilarity!.Value, 4);
        Assert.Equal(1, retrieval.PartnerRank);
        Assert.Equal(1, retrieval.Sharpness!.Value, 6);
        foreach (QualityRow row in report.Rows)
        {
            Assert.InRange(row.SexAgreement!.Value, 0, 1);
            Assert.InRange(row.AgeGap!.Value, 0, 120);
            Assert.InRange(row.IdentitySimilarity!.Value, -1, 1.0001);
            Assert.InRange(row.PartnerRank!.Value, 1, pairs.Count);
            Assert.True(row.Sharpness > 0, row.Method);
        }

        Assert.True(report.Rows.Single(r => r.Method == QualityEvaluator.MeanPartner).Sharpness < 1, "a mean of faces is blurrier than real ones");
        string markdown = report.ToMarkdown();
        Assert.Contains("| retrieval | 0.0000 |", markdown, System.StringComparison.Ordinal);
        Assert.Contains("partner rank (lower)", markdown, System.StringComparison.Ordinal);
        Assert.Contains("\"IdentitySimilarity\":", report.ToJson(), System.StringComparison.Ordinal);
        using var written = Image.Load(sheet);
        Assert.Equal(4 * 128 + 5 * 4, written.Width);
    }

    [Fact]
    public void ScoringTheModelAloneGivesTheModelRowOfAFullEvaluation()
    {
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions());
        using var generator = PartnerGenerator.FromTrainer(trainer, new PartnerGeneratorOptions { Device = torch.CPU });
        var heldOut = new SyntheticCoupleDataset(3, 32, seed: 4);
        var options = new QualityEvaluationOptions { Direction = PairDirection.AToB };

        QualityRow alone = QualityEvaluator.ScoreModel(generator, heldOut, options);
        QualityRow inReport = QualityEvaluator.Evaluate(generator, heldOut, new SyntheticCoupleDataset(2, 32, seed: 5), options).Rows.Single(r => r.Method == QualityEvaluator.Model);

        Assert.Equal(inReport, alone);
        Assert.NotNull(alone.PartnerRank);
        Assert.Throws<System.ArgumentException>(() => QualityEvaluator.ScoreModel(generator, new NoPairs(), options));
    }

    private sealed class NoPairs : IPairedDataset
    {
        public int Count => 0;

        public ImagePair GetPair(int index) => throw new System.ArgumentOutOfRangeException(nameof(index));

        public string GetGroup(int index) => throw new System.ArgumentOutOfRangeException(nameof(index));
    }

    [Fact]
    public void ASummaryGivesTheMeanAndSpreadOverSplits()
    {
        static QualityReport Split(double l1, double? rank) => new(12, 64, new[]
        {
            new QualityRow(QualityEvaluator.Model, l1, 10, 0.5, null) { PartnerRank = rank },
            new QualityRow(QualityEvaluator.Identity, 0.3, 12, 0.4, null) { PartnerRank = rank },
        });

        var summary = QualitySummary.Combine(new[] { Split(0.1, 2), Split(0.3, 4), Split(0.2, 6) });

        var (mean, spread) = summary.Statistic(QualityEvaluator.Model, r => r.L1)!.Value;
        Assert.Equal(0.2, mean, 10);
        Assert.Equal(0.1, spread, 10);
        Assert.Equal((4.0, 2.0), summary.Statistic(QualityEvaluator.Identity, r => r.PartnerRank));
        Assert.Null(summary.Statistic(QualityEvaluator.Model, r => r.SexAgreement));
        Assert.Contains("| model | 0.2000 ± 0.1000 |", summary.ToMarkdown(), System.StringComparison.Ordinal);
        Assert.Contains("3 held-out splits", summary.ToMarkdown(), System.StringComparison.Ordinal);
        Assert.Throws<System.ArgumentException>(() => QualitySummary.Combine(new[] { Split(0.1, 2), new QualityReport(12, 64, new[] { new QualityRow("other", 0, 0, 0, null) }) }));
    }
}
