namespace CoupleGen.Evaluation;

/// <summary>One method's mean scores over the held-out pairs.</summary>
/// <param name="Method">The model, or a baseline (see <see cref="QualityEvaluator"/>).</param>
/// <param name="L1">Mean absolute error in [-1, 1] units; lower is better.</param>
/// <param name="Psnr">Peak signal-to-noise ratio in dB; higher is better.</param>
/// <param name="Ssim">Structural similarity; higher is better.</param>
/// <param name="Perceptual">Feature distance of the perceptual network (VGG16 or ResNet18; mean over its taps of the mean squared feature difference); lower is better; <see langword="null"/> without one.</param>
public sealed record QualityRow(string Method, double L1, double Psnr, double Ssim, double? Perceptual)
{
    /// <summary>Gets the share of pairs whose output is judged the same sex as the real partner (<see cref="Faces.FaceAttributeEstimator"/>); higher is better.</summary>
    public double? SexAgreement { get; init; }

    /// <summary>Gets the mean absolute difference in estimated age between the output and the real partner, in years; lower is better.</summary>
    public double? AgeGap { get; init; }

    /// <summary>Gets the mean cosine similarity of the output's and the real partner's identity embeddings (<see cref="Faces.FaceEmbedder"/>); higher is better.</summary>
    public double? IdentitySimilarity { get; init; }

    /// <summary>
    /// Gets the mean rank of the real partner among all held-out partners by identity similarity to the
    /// output: 1 when the real partner is the most similar; (n + 1) / 2 by chance; lower is better.
    /// </summary>
    public double? PartnerRank { get; init; }

    /// <summary>
    /// Gets the outputs' mean Laplacian variance (<see cref="ImageMetrics.LaplacianVariance"/>) as a ratio to the
    /// real partners': about 1 for real photos; below 1 is blur, far above 1 noise or checkerboard texture.
    /// </summary>
    public double? Sharpness { get; init; }
}
