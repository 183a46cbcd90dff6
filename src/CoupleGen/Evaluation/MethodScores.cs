using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Faces;
using CoupleGen.Imaging;
using CoupleGen.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Evaluation;

/// <summary>One method's running scores over the held-out pairs, in pair order.</summary>
internal sealed class MethodScores
{
    private readonly string method;
    private readonly List<FaceEmbedding> outputs = new();
    private double l1, psnr, ssim, perceptual, sexAgreement, ageGap, sharpness;
    private int pairs;

    public MethodScores(string method) => this.method = method;

    public void Add(Image<Rgb24> output, Image<Rgb24> real, FaceJudgement? realFace, FaceJudge? judge, FeatureExtractor? network)
    {
        pairs++;
        l1 += ImageMetrics.L1(output, real);
        double decibels = ImageMetrics.Psnr(output, real);
        psnr += double.IsPositiveInfinity(decibels) ? 100 : decibels;
        ssim += ImageMetrics.Ssim(output, real);
        sharpness += ImageMetrics.LaplacianVariance(output);
        if (network is not null)
        {
            perceptual += PerceptualDistance(network, output, real);
        }

        if (judge is not null && realFace is not null)
        {
            FaceJudgement face = judge.Judge(output);
            sexAgreement += face.Attributes.Sex == realFace.Attributes.Sex ? 1 : 0;
            ageGap += Math.Abs(face.Attributes.Age - realFace.Attributes.Age);
            outputs.Add(face.Embedding);
        }
    }

    /// <summary>The mean scores; the rank compares each output with every real partner, <paramref name="partners"/> in pair order.</summary>
    public QualityRow ToRow(IReadOnlyList<FaceEmbedding> partners, double realSharpness, bool withPerceptual)
    {
        double n = pairs;
        bool faces = outputs.Count == pairs && partners.Count == pairs;
        return new QualityRow(method, l1 / n, psnr / n, ssim / n, withPerceptual ? perceptual / n : null)
        {
            Sharpness = realSharpness > 0 ? sharpness / n / realSharpness : null,
            SexAgreement = faces ? sexAgreement / n : null,
            AgeGap = faces ? ageGap / n : null,
            IdentitySimilarity = faces ? outputs.Select((o, i) => o.CosineSimilarity(partners[i])).Average() : null,
            PartnerRank = faces ? outputs.Select((o, i) => Rank(o, partners, i)).Average() : null,
        };
    }

    /// <summary>1 + how many other partners are more similar to <paramref name="output"/> than partner <paramref name="own"/>.</summary>
    private static double Rank(FaceEmbedding output, IReadOnlyList<FaceEmbedding> partners, int own)
    {
        double ownSimilarity = output.CosineSimilarity(partners[own]);
        return 1 + partners.Where((p, j) => j != own && output.CosineSimilarity(p) > ownSimilarity).Count();
    }

    private static double PerceptualDistance(FeatureExtractor network, Image<Rgb24> output, Image<Rgb24> real)
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

        return distance / a.Length;
    }
}
