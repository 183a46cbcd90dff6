using System;
using CoupleGen.Faces;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;

namespace CoupleGen.Evaluation;

/// <summary>What the face networks see in one framed face.</summary>
internal sealed record FaceJudgement(FaceAttributes Attributes, FaceEmbedding Embedding);

/// <summary>
/// The face networks an evaluation judges outputs with: the caller's (<see cref="QualityEvaluationOptions.AttributeEstimator"/>,
/// <see cref="QualityEvaluationOptions.Embedder"/>) or, where none was given, its own on the CPU, disposed with it.
/// </summary>
internal sealed class FaceJudge : IDisposable
{
    private readonly FaceAttributeEstimator estimator;
    private readonly FaceEmbedder embedder;
    private readonly bool ownsEstimator;
    private readonly bool ownsEmbedder;

    private FaceJudge(FaceAttributeEstimator? estimator, FaceEmbedder? embedder)
    {
        ownsEstimator = estimator is null;
        ownsEmbedder = embedder is null;
        this.estimator = estimator ?? new FaceAttributeEstimator(new FaceAnalysisOptions { Device = TorchSharp.torch.CPU });
        try
        {
            this.embedder = embedder ?? new FaceEmbedder(new FaceAnalysisOptions { Device = TorchSharp.torch.CPU });
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Returns the judge the options ask for, or <see langword="null"/> when <see cref="QualityEvaluationOptions.FaceMeasures"/> is off.</summary>
    public static FaceJudge? Create(QualityEvaluationOptions options) =>
        options.FaceMeasures ? new FaceJudge(options.AttributeEstimator, options.Embedder) : null;

    public FaceJudgement Judge(Image<Rgb24> framedFace) => new(estimator.Estimate(framedFace), embedder.Embed(framedFace));

    /// <summary>The sex alone, where the identity is not needed.</summary>
    public Sex SexOf(Image<Rgb24> framedFace) => estimator.Estimate(framedFace).Sex;

    /// <summary>The identity alone, where sex and age are not needed.</summary>
    public FaceEmbedding Embed(Image<Rgb24> framedFace) => embedder.Embed(framedFace);

    public void Dispose()
    {
        if (ownsEstimator)
        {
            estimator?.Dispose();
        }

        if (ownsEmbedder)
        {
            embedder?.Dispose();
        }
    }
}
