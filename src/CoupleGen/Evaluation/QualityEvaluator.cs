using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Evaluation;

/// <summary>
/// Scores a generator on held-out pairs against the real partners as a person would judge the face
/// (sex, age, identity, sharpness) and by pixels and features, next to baselines computed the same way:
/// <list type="bullet">
/// <item><description><see cref="Identity"/>: the input itself.</description></item>
/// <item><description><see cref="MeanPartner"/>: the pixel-wise mean of the training partners.</description></item>
/// <item><description><see cref="MeanPartnerOfSex"/>: the mean of the training partners of the real partner's sex.</description></item>
/// <item><description><see cref="Retrieval"/>: the real partner of the training input most similar to the held-out input by identity embedding, a sharp real face.</description></item>
/// <item><description><see cref="RandomPartnerOfSex"/>: a random training partner of the real partner's sex (seeded).</description></item>
/// </list>
/// A generator that does not beat them is not worth running.
/// </summary>
public static class QualityEvaluator
{
    /// <summary>The generator's row.</summary>
    public const string Model = "model";

    /// <summary>The baseline whose output is the input.</summary>
    public const string Identity = "identity";

    /// <summary>The baseline whose output is the mean training partner.</summary>
    public const string MeanPartner = "mean partner";

    /// <summary>The baseline whose output is the mean training partner of the real partner's sex.</summary>
    public const string MeanPartnerOfSex = "mean partner of the sex";

    /// <summary>The baseline whose output is the partner of the most similar training input.</summary>
    public const string Retrieval = "retrieval";

    /// <summary>The baseline whose output is a random training partner of the real partner's sex.</summary>
    public const string RandomPartnerOfSex = "random partner of the sex";

    /// <summary>Evaluates <paramref name="generator"/> on <paramref name="heldOut"/>.</summary>
    /// <param name="generator">The model.</param>
    /// <param name="heldOut">Pairs never trained on (see <see cref="DatasetSplit.ByGroup"/>).</param>
    /// <param name="training">The training pairs, for the baselines.</param>
    /// <param name="options">Direction, networks, contact sheet; <see langword="null"/> for defaults.</param>
    /// <returns>The model's and the baselines' mean scores.</returns>
    /// <exception cref="ArgumentException">A dataset is empty.</exception>
    public static QualityReport Evaluate(IPartnerGenerator generator, IPairedDataset heldOut, IPairedDataset training, QualityEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(training);
        options ??= new QualityEvaluationOptions();
        options.Validate();
        if (heldOut.Count == 0 || training.Count == 0)
        {
            throw new ArgumentException("Both the held-out and the training set need at least one pair.", nameof(heldOut));
        }

        return Run(generator, heldOut, training, options);
    }

    /// <summary>
    /// Scores <paramref name="generator"/> alone on <paramref name="heldOut"/>, without baselines (so without training
    /// pairs): the model's row of <see cref="Evaluate"/>, cheap enough to print while a model trains.
    /// </summary>
    /// <param name="generator">The model.</param>
    /// <param name="heldOut">Pairs never trained on.</param>
    /// <param name="options">Direction and networks; the contact sheet options are ignored. <see langword="null"/> for defaults.</param>
    /// <returns>The model's mean scores.</returns>
    /// <exception cref="ArgumentException"><paramref name="heldOut"/> is empty.</exception>
    public static QualityRow ScoreModel(IPartnerGenerator generator, IPairedDataset heldOut, QualityEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(heldOut);
        options ??= new QualityEvaluationOptions();
        options.Validate();
        if (heldOut.Count == 0)
        {
            throw new ArgumentException("The held-out set needs at least one pair.", nameof(heldOut));
        }

        return Run(generator, heldOut, training: null, options with { ContactSheetPath = null }).Rows.Single();
    }

    /// <summary>The model's and, given <paramref name="training"/>, the baselines' scores on <paramref name="heldOut"/> (arguments checked).</summary>
    private static QualityReport Run(IPartnerGenerator generator, IPairedDataset heldOut, IPairedDataset? training, QualityEvaluationOptions options)
    {
        int size = generator.ImageSize;
        using var judge = FaceJudge.Create(options);
        using var references = training is null ? null : TrainingReferences.Build(training, options.Direction, size, judge);
        var methods = new[] { Model, Identity, MeanPartner, MeanPartnerOfSex, Retrieval, RandomPartnerOfSex }
            .Where(m => references is not null || m is Model)
            .Where(m => judge is not null || m is Model or Identity or MeanPartner)
            .ToDictionary(m => m, m => new MethodScores(m), StringComparer.Ordinal);
        var realFaces = new List<FaceJudgement>();
        double realSharpness = 0;
        var sheetRows = new List<Image<Rgb24>[]>();
        try
        {
            for (int i = 0; i < heldOut.Count; i++)
            {
                var (input, real) = Fit(heldOut, i, options.Direction, size);
                using (input)
                using (real)
                {
                    FaceJudgement? realFace = judge?.Judge(real);
                    if (realFace is not null)
                    {
                        realFaces.Add(realFace);
                    }

                    realSharpness += ImageMetrics.LaplacianVariance(real);
                    using Image<Rgb24> generated = generator.Generate(input);
                    var outputs = new Dictionary<string, Image<Rgb24>>(StringComparer.Ordinal) { [Model] = generated };
                    if (references is not null)
                    {
                        outputs[Identity] = input;
                        outputs[MeanPartner] = references.MeanPartner;
                        if (judge is not null && realFace is not null)
                        {
                            outputs[MeanPartnerOfSex] = references.MeanPartnerOf(realFace.Attributes.Sex);
                            outputs[Retrieval] = references.MostSimilarPartner(judge.Embed(input));
                            outputs[RandomPartnerOfSex] = references.RandomPartnerOf(realFace.Attributes.Sex, StableSeed.Mix(options.Seed, i, 0x5e8));
                        }
                    }

                    foreach (var (method, output) in outputs)
                    {
                        methods[method].Add(output, real, realFace, judge, options.Perceptual);
                    }

                    if (options.ContactSheetPath is not null && sheetRows.Count < options.ContactSheetRows)
                    {
                        sheetRows.Add(new[] { input.Clone(), generated.Clone(), (outputs.GetValueOrDefault(Retrieval) ?? outputs.GetValueOrDefault(MeanPartner) ?? real).Clone(), real.Clone() });
                    }
                }
            }

            if (options.ContactSheetPath is { } sheetPath)
            {
                using Image<Rgb24> sheet = ContactSheet.Create(sheetRows, Math.Max(size, 128));
                ImageFiles.Save(sheet, sheetPath);
            }
        }
        finally
        {
            sheetRows.ForEach(row => Array.ForEach(row, image => image.Dispose()));
        }

        var partners = realFaces.Select(f => f.Embedding).ToList();
        var rows = methods.Values.Select(m => m.ToRow(partners, realSharpness / heldOut.Count, options.Perceptual is not null)).ToList();
        return new QualityReport(heldOut.Count, size, rows);
    }

    /// <summary>A pair as training sees it without augmentation, input first.</summary>
    private static (Image<Rgb24> Input, Image<Rgb24> Real) Fit(IPairedDataset dataset, int index, PairDirection direction, int size)
    {
        using ImagePair pair = dataset.GetPair(index);
        var (a, b) = PairAugmentation.Apply(pair, size, size, randomCrop: false, randomFlip: false, new Random(0));
        return direction == PairDirection.AToB ? (a, b) : (b, a);
    }
}
