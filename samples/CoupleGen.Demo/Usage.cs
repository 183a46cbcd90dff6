using System.IO;

namespace CoupleGen.Demo;

internal static class Usage
{
    public const string Text = """
        couplegen: train pix2pix partner generators and generate partners.

        couplegen [demo] [--out DIR] [--steps N] [--image-size N]
            Trains on procedurally rendered couples for a few minutes (no data needed), then
            generates partners for unseen faces, writes DIR/contact-sheet.png (input | generated | mean partner |
            target) and prints the held-out L1 next to the identity baseline. Default DIR: out/demo.

        couplegen train --data DIR [--out DIR] [--recipe partner|pix2pix|couplegenerator]
                        [--image-size N] [--batch-size 1] [--steps N] [--epochs N] [--decay-epochs N]
                        [--direction BtoA|AtoB] [--hold-out 6]
                        [--checkpoint-every 500] [--sheet-every N] [--seed N] [--split-seed 0] [--resume CHECKPOINT]
                        [--vgg vgg16.npy] [--filters 64] [--discriminator-layers 3] [--l1-weight W] [--gan-weight W] [--feature-matching-weight W]
                        [--sex-weight 1] [--identity-weight 1] [--diff-augment none|all|color,translation,cutout]
                        [--upsampling resize|shuffle|transposed] [--encoder ResNet18.onnx [--encoder-skips 5]]
                        [--perceptual FILE --perceptual-weight W] [--precision fp32|mixed|auto]
            Trains on side-by-side pairs under DIR (pix2pix's aligned layout, or CoupleGenerator's
            <couple>/1.jpg, 2.jpg). BtoA (default) uses the right half as input, as CoupleGenerator
            did. Holds out whole couples (which ones: --split-seed), writes DIR/couplegen.ckpt, DIR/contact-sheet.png and, every
            --sheet-every steps (default: --checkpoint-every; 0 for none), DIR/progress/step-N.png
            (input | generated | real for the first held-out pairs).
            --recipe partner (default: 128x128, 15 + 10 epochs, precision auto) is CoupleGen's own: the
            partner's sex as an input, face networks judging sex and identity (docs/recipes.md);
            pix2pix (256x256, 100 + 100 epochs) is the paper's recipe. --l1-weight overrides the
            recipe's L1 weight, --gan-weight its adversarial weight, --feature-matching-weight adds pix2pixHD's
            discriminator feature matching; --sex-weight and --identity-weight the partner recipe's face terms;
            --diff-augment the discriminator's differentiable augmentations (DiffAugment); --discriminator-layers
            the PatchGAN's depth (3: 70x70 patches; 2: 34x34; 1: 16x16);
            --upsampling the U-Net decoder's (resize: nearest x2 then 3x3, no checkerboard; shuffle: a
            3x3 to 4x the channels, then a pixel shuffle, ICNR-initialised). --encoder FILE makes the
            generator a U-Net on a pretrained ImageNet ResNet (any ResNet18/34 weights CoupleGen reads, e.g.
            the ResNet18.onnx of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18) for the partner and pix2pix recipes;
            --encoder-skips how many decoder levels, coarsest first, take the encoder's map (5: all, with the input).
            --recipe couplegenerator trains the original's networks and losses (see docs/recipes.md);
            its feature loss needs VGG16 weights (--vgg, any format CoupleGen reads). --perceptual adds
            a feature loss with weight W to the pix2pix recipe: VGG16 weights, or ResNet18 ones such as
            the ResNet18.onnx of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 (see docs/weights.md).
            --precision mixed trains the convolutions in bfloat16 with FP32 weights (faster on CPUs with
            native bfloat16; auto picks it there); fp32 (pix2pix's default) is the paper's arithmetic.

        couplegen generate --checkpoint FILE --input FILE|DIR --output FILE|DIR [--frame never|always]
                           [--partner-sex auto|female|male]
            Generates the partner of each input image. FILE may also be a pix2pix latest_net_G.pth.
            Inputs are taken as already framed like the training crops; --frame always finds and
            frames the face of each (any photo), see docs/portraits.md. A DIR is processed in
            batches (GenerateFiles); files that fail are named on stderr and the exit code is 1.
            --partner-sex (partner-recipe models): auto (default) gives the other sex of the input.

        couplegen portrait --input PHOTO [--checkpoint FILE] [--out DIR] [--face largest|N]
                           [--partner-sex auto|female|male|all] [--background keep|replace]
            Any photo with a face: finds the face, frames it like the training crops and writes
            DIR/<name>.framed.png and, with --checkpoint, the partner DIR/<name>.partner.png and the
            couple side by side as in the training pairs, DIR/<name>.couple.png (1024x512).
            --face N takes the N-th face from the left (from 0). Default DIR: out/portrait.
            --background replace (default) paints everything behind the person the training red
            (MediaPipe selfie segmentation); keep leaves the photo's own background.
            --partner-sex all (partner-recipe models) writes a partner of each sex and
            DIR/<name>.sheet.png (framed | auto | female | male).

        couplegen export --checkpoint FILE --output FILE [--format couplegen|onnx|pth] [--precision fp32|bf16]
            Writes the checkpoint's generator alone, the file an app ships: a CoupleGen model file
            (default; generate, portrait and PartnerGenerator.FromCheckpoint load it like the
            checkpoint; bf16 halves it again), ONNX or PyTorch (pix2pix and partner recipes). The
            format follows the extension (.onnx, .pth) unless --format says otherwise.

        couplegen split-couples --input DIR --out DIR
            Turns couple photos into the training layout: each photo's two faces, framed, side by
            side in OUT/<couple>/N.jpg (1024x512). Photos in DIR are couples of their own; photos in
            a subfolder are one couple. Photos without two faces are skipped and listed.

        couplegen measure-framing --data DIR
            Measures eye positions and background colour of a training set's face crops: the
            numbers behind FaceFraming.Training.

        couplegen evaluate --checkpoint FILE --data DIR [--out DIR] [--hold-out 6] [--direction BtoA]
                           [--split-seeds 0] [--batch-norm running|batch] [--perceptual FILE]
            Scores the model on the held-out couples (the split train used, by --split-seed) as a
            person judges a face: sex agreement, age gap, identity similarity, rank of the real
            partner, sharpness; and L1, PSNR, SSIM. Baselines, computed the same way: identity, mean
            partner (overall and of the sex), retrieval (the partner of the most similar training
            face) and a random partner of the sex. Writes quality.md, quality.json and
            contact-sheet.png (input | generated | retrieval | real) to DIR (default out/evaluate).
            --split-seeds 0,1,2 scores one model per split, FILE naming it with {seed} (e.g.
            out/s{seed}/couplegen.ckpt), and writes mean ± spread over the splits.
            --batch-norm batch normalises with each image's own statistics, as pix2pix's test.py does.
            --perceptual adds a perceptual-distance column from VGG16 or ResNet18 weights.
        """;

    public static int Print(TextWriter writer)
    {
        writer.WriteLine(Text);
        return 0;
    }
}
