using System;
using CoupleGen.Data;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Training;

/// <content>Running the generator on held-out data during and after training.</content>
public sealed partial class Pix2PixTrainer
{
    /// <summary>
    /// Runs the generator in evaluation mode (no dropout, running batch statistics) on a batch, without
    /// autograd. A sex-controlled generator (<see cref="TrainingRecipe.Partner"/>) is asked for the other sex of each input.
    /// </summary>
    /// <param name="input">Images [N, 3, H, W] in [-1, 1].</param>
    /// <returns>The generated batch on the trainer's device.</returns>
    public Tensor Predict(Tensor input)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(input);
        bool wasTraining = Generator.training;
        Generator.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            return Generator.call(objective.Condition(input.to(Device), partners: null)).MoveToOuterDisposeScope();
        }
        finally
        {
            Generator.train(wasTraining);
        }
    }

    /// <summary>Loads a pair the way training sees it without augmentation: input and target resized to <see cref="Pix2PixOptions.ImageSize"/>.</summary>
    /// <param name="pair">The pair.</param>
    /// <returns>The input and the target, new images the caller owns.</returns>
    public (Image<Rgb24> Input, Image<Rgb24> Target) PrepareForEvaluation(ImagePair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var (a, b) = PairAugmentation.Apply(pair, Options.ImageSize, Options.ImageSize, randomCrop: false, randomFlip: false, new Random(0));
        return Options.Direction == PairDirection.AToB ? (a, b) : (b, a);
    }

    /// <summary>Computes the mean L1 distance (in [-1, 1] units) between the generator's output and the targets of <paramref name="dataset"/>, in evaluation mode, without augmentation.</summary>
    /// <param name="dataset">The pairs to measure.</param>
    /// <returns>The mean absolute error per pixel and channel.</returns>
    public double EvaluateL1(IPairedDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        double sum = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            using var scope = NewDisposeScope();
            using ImagePair pair = dataset.GetPair(i);
            var (input, target) = PrepareForEvaluation(pair);
            using (input)
            using (target)
            {
                Tensor x = ImageTensor.ToTensor(input, Device).unsqueeze(0);
                Tensor y = ImageTensor.ToTensor(target, Device).unsqueeze(0);
                sum += nn.functional.l1_loss(Predict(x), y).item<float>();
            }
        }

        return sum / dataset.Count;
    }
}
