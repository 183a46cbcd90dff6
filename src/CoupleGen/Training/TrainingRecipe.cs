namespace CoupleGen.Training;

/// <summary>Which published training procedure <see cref="Pix2PixTrainer"/> follows (see docs/recipes.md).</summary>
public enum TrainingRecipe
{
    /// <summary>The pix2pix paper: U-Net + PatchGAN with running batch-norm statistics, GAN (vanilla or least squares) + lambda x L1, Adam.</summary>
    Pix2Pix,

    /// <summary>
    /// The original CoupleGenerator: its bias-free U-Net and sigmoid discriminator with batch-statistics norms,
    /// WGAN losses with weight clipping, TensorFlow's RMSProp, and GAN + L1 + total variation + VGG feature losses.
    /// </summary>
    CoupleGenerator,

    /// <summary>
    /// CoupleGen's own recipe for believable partners: pix2pix's networks and update (least-squares GAN) with
    /// the partner's sex as an input plane and face terms judged by frozen pretrained face
    /// networks (sex cross-entropy, identity similarity to the real partner). See <see cref="Pix2PixOptions.PartnerRecipe"/>.
    /// </summary>
    Partner,
}
