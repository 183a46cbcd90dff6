using System;
using System.Collections.Generic;
using System.IO;
using CoupleGen.Data;
using CoupleGen.Evaluation;
using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Demo;

/// <summary>
/// Passes progress on, and every <c>interval</c> steps writes DIR/progress/step-NNNNNN.png: a contact
/// sheet (input | generated | real) of the first held-out pairs, and prints what a person would see in
/// all held-out outputs (<see cref="QualityEvaluator.ScoreModel"/>: sex agreement with the real partner,
/// identity similarity, partner rank, sharpness), so a run can be watched as it learns.
/// </summary>
internal sealed class ProgressSheets : IProgress<TrainingProgress>, IDisposable
{
    private readonly FaceAttributeEstimator estimator = new();
    private readonly FaceEmbedder embedder = new();
    private readonly QualityEvaluationOptions scoring;
    private const int Rows = 4;
    private readonly IProgress<TrainingProgress> inner;
    private readonly Pix2PixTrainer trainer;
    private readonly IPairedDataset heldOut;
    private readonly PairDirection direction;
    private readonly string folder;
    private readonly int interval;

    public ProgressSheets(IProgress<TrainingProgress> inner, Pix2PixTrainer trainer, IPairedDataset heldOut, PairDirection direction, string output, int interval)
    {
        this.inner = inner;
        this.trainer = trainer;
        this.heldOut = heldOut;
        this.direction = direction;
        folder = Path.Combine(output, "progress");
        this.interval = interval;
        scoring = new QualityEvaluationOptions { Direction = direction, AttributeEstimator = estimator, Embedder = embedder };
    }

    public void Report(TrainingProgress value)
    {
        inner.Report(value);
        if (interval > 0 && heldOut.Count > 0 && (value.Step % interval == 0 || value.Step == value.TotalSteps))
        {
            Write(value.Step);
        }
    }

    private void Write(long step)
    {
        // Report runs between steps on the training thread, so the trainer's weights are consistent here.
        using var generator = PartnerGenerator.FromTrainer(trainer);
        var owned = new List<Image<Rgb24>>();
        var rows = new List<IReadOnlyList<Image<Rgb24>>>();
        try
        {
            for (int i = 0; i < Math.Min(Rows, heldOut.Count); i++)
            {
                using ImagePair pair = heldOut.GetPair(i);
                Image<Rgb24> input = Fit(direction == PairDirection.BToA ? pair.B : pair.A, generator.ImageSize);
                Image<Rgb24> real = Fit(direction == PairDirection.BToA ? pair.A : pair.B, generator.ImageSize);
                owned.Add(input);
                owned.Add(real);
                Image<Rgb24> generated = generator.Generate(input);
                owned.Add(generated);
                rows.Add(new[] { input, generated, real });
            }

            using Image<Rgb24> sheet = ContactSheet.Create(rows, generator.ImageSize);
            Directory.CreateDirectory(folder);
            ImageFiles.Save(sheet, Path.Combine(folder, $"step-{step:D6}.png"));
        }
        finally
        {
            owned.ForEach(image => image.Dispose());
        }

        QualityRow model = QualityEvaluator.ScoreModel(generator, heldOut, scoring);
        Console.WriteLine($"held-out at step {step}: sex agreement {model.SexAgreement:F2}, identity similarity {model.IdentitySimilarity:F3}, partner rank {model.PartnerRank:F1}, sharpness vs real {model.Sharpness:F2} ({heldOut.Count} pairs)");
    }

    public void Dispose()
    {
        estimator.Dispose();
        embedder.Dispose();
    }

    private static Image<Rgb24> Fit(Image<Rgb24> image, int size) => image.Clone(c => c.Resize(size, size));
}
