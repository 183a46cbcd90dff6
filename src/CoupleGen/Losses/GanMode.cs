namespace CoupleGen.Losses;

/// <summary>The adversarial objective, as pix2pix's <c>--gan_mode</c>.</summary>
public enum GanMode
{
    /// <summary>The original GAN objective: binary cross-entropy on the discriminator's logits (pix2pix default).</summary>
    Vanilla,

    /// <summary>Least-squares GAN: mean squared error between the discriminator's outputs and 1 (real) or 0 (fake).</summary>
    LeastSquares,
}
