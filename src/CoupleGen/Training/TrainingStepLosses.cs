namespace CoupleGen.Training;

/// <summary>The losses of one optimisation step, as plain numbers.</summary>
/// <param name="Discriminator">0.5 x (loss on real + loss on fake).</param>
/// <param name="GeneratorGan">The generator's adversarial loss.</param>
/// <param name="GeneratorL1">The mean absolute error between generated and target images (before the lambda factor).</param>
/// <param name="GeneratorPerceptual">The perceptual loss (before its weight), or 0 when it is off.</param>
public sealed record TrainingStepLosses(double Discriminator, double GeneratorGan, double GeneratorL1, double GeneratorPerceptual = 0);
