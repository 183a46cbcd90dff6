namespace CoupleGen.Evaluation;

/// <summary>One method's mean scores over the held-out pairs.</summary>
/// <param name="Method">The model, or a baseline: <c>identity</c> (output = input) or <c>mean partner</c> (the mean training target for every input).</param>
/// <param name="L1">Mean absolute error in [-1, 1] units; lower is better.</param>
/// <param name="Psnr">Peak signal-to-noise ratio in dB; higher is better.</param>
/// <param name="Ssim">Structural similarity; higher is better.</param>
/// <param name="Perceptual">Feature distance of the perceptual network (VGG16 or ResNet18; mean over its taps of the mean squared feature difference); lower is better; <see langword="null"/> without one.</param>
public sealed record QualityRow(string Method, double L1, double Psnr, double Ssim, double? Perceptual);
