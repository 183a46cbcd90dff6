using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Evaluation;

/// <summary>
/// Scores a generator on held-out pairs against the real partners, next to two baselines computed
/// the same way: <c>identity</c> (the input itself) and <c>mean partner</c> (the pixel-wise mean of the
/// training targets, the best constant guess under L2). A model that does not beat them has not
/// learned anything useful about partners.
/// </summary>
public static class QualityEvaluator
{
    /// <summary>Evaluates <paramref name="generator"/> on <paramref name="heldOut"/>.</summary>
    /// <param name="generator">The model.</param>
    /// <param name="heldOut">Pairs never trained on (see <see cref="DatasetSplit.ByGroup"/>).</param>
    /// <param name="training">The training pairs, for the mean-partner baseline.</param>
    /// <param name="options">Direction, perceptual network, contact sheet; <see langword="null"/> for defaults.</param>
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

        int size = generator.ImageSize;
        using Image<Rgb24> meanPartner = MeanTarget(training, options.Direction, size);
        var sums = new Dictionary<string, double[]>(StringComparer.Ordinal)
        {
            ["model"] = new double[4],
            ["identity"] = new double[4],
            ["mean partner"] = new double[4],
        };
        var rows = new List<IReadOnlyList<Image<Rgb24>>>();
        try
        {
            for (int i = 0; i < heldOut.Count; i++)
            {
                using ImagePair pair = heldOut.GetPair(i);
                Image<Rgb24> input = Fit(options.Direction == PairDirection.AToB ? pair.A : pair.B, size);
                Image<Rgb24> real = Fit(options.Direction == PairDirection.AToB ? pair.B : pair.A, size);
                Image<Rgb24> generated = generator.Generate(input);
                Accumulate(sums["model"], generated, real, options);
                Accumulate(sums["identity"], input, real, options);
                Accumulate(sums["mean partner"], meanPartner, real, options);
                if (options.ContactSheetPath is not null && rows.Count < options.ContactSheetRows)
                {
                    rows.Add(new[] { input, generated, real, meanPartner.Clone() });
                }
                else
                {
                    input.Dispose();
                    real.Dispose();
                    generated.Dispose();
                }
            }

            if (options.ContactSheetPath is { } sheetPath)
            {
                using Image<Rgb24> sheet = ContactSheet.Create(rows, Math.Max(size, 128));
                ImageFiles.Save(sheet, sheetPath);
            }
        }
        finally
        {
            foreach (var row in rows)
            {
                foreach (var image in row)
                {
                    image.Dispose();
                }
            }
        }

        var result = new List<QualityRow>();
        foreach (var (method, s) in sums)
        {
            double n = heldOut.Count;
            result.Add(new QualityRow(method, s[0] / n, s[1] / n, s[2] / n, options.Perceptual is null ? null : s[3] / n));
        }

        return new QualityReport(heldOut.Count, size, result);
    }

    private static void Accumulate(double[] sums, Image<Rgb24> output, Image<Rgb24> real, QualityEvaluationOptions options)
    {
        sums[0] += ImageMetrics.L1(output, real);
        double psnr = ImageMetrics.Psnr(output, real);
        sums[1] += double.IsPositiveInfinity(psnr) ? 100 : psnr;
        sums[2] += ImageMetrics.Ssim(output, real);
        if (options.Perceptual is { } network)
        {
            using var scope = NewDisposeScope();
            using var noGrad = torch.no_grad();
            Device device = network.parameters().First().device;
            Tensor[] a = network.Extract(ImageTensor.ToTensor(output, device).unsqueeze(0));
            Tensor[] b = network.Extract(ImageTensor.ToTensor(real, device).unsqueeze(0));
            double distance = 0;
            for (int t = 0; t < a.Length; t++)
            {
                distance += nn.functional.mse_loss(a[t], b[t]).item<float>();
            }

            sums[3] += distance / a.Length;
        }
    }

    private static Image<Rgb24> MeanTarget(IPairedDataset training, PairDirection direction, int size)
    {
        var sum = new double[size * size * 3];
        var pixels = new byte[size * size * 3];
        for (int i = 0; i < training.Count; i++)
        {
            using ImagePair pair = training.GetPair(i);
            using Image<Rgb24> target = Fit(direction == PairDirection.AToB ? pair.B : pair.A, size);
            target.CopyPixelDataTo(pixels);
            for (int p = 0; p < pixels.Length; p++)
            {
                sum[p] += pixels[p];
            }
        }

        for (int p = 0; p < pixels.Length; p++)
        {
            pixels[p] = (byte)Math.Round(sum[p] / training.Count);
        }

        return Image.LoadPixelData<Rgb24>(pixels, size, size);
    }

    private static Image<Rgb24> Fit(Image<Rgb24> image, int size) =>
        image.Clone(x => x.Resize(new ResizeOptions { Size = new SixLabors.ImageSharp.Size(size, size), Mode = ResizeMode.Crop, Sampler = KnownResamplers.Bicubic }));
}
