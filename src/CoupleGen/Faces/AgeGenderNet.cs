using CoupleGen.Native;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// face-api.js's AgeGenderNet: a TinyXception with two main blocks (112 -> 7x7x512) whose average is
/// fed to two dense layers. Input [N, 3, 112, 112], mean-subtracted and divided by 255; output the age
/// in years [N] and the gender logits [N, 2], index 0 male and 1 female (face-api.js reads the softmax's
/// first entry as the male probability). Field names equal the TF.js keys.
/// </summary>
internal sealed class AgeGenderNet : nn.Module<Tensor, (Tensor Age, Tensor Gender)>
{
    /// <summary>The side of the square input.</summary>
    public const int InputSize = 112;

    private readonly EntryFlow entry_flow;
    private readonly MiddleFlow middle_flow;
    private readonly ExitFlow exit_flow;
    private readonly Classifier fc;

    public AgeGenderNet()
        : base(CoupleGenRuntime.InitializedName(nameof(AgeGenderNet)))
    {
        entry_flow = new EntryFlow(nameof(entry_flow));
        middle_flow = new MiddleFlow(nameof(middle_flow));
        exit_flow = new ExitFlow(nameof(exit_flow));
        fc = new Classifier(nameof(fc));
        RegisterComponents();
    }

    public override (Tensor Age, Tensor Gender) forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor features = exit_flow.call(middle_flow.call(entry_flow.call(input)));

        // face-api.js average-pools 7x7 with stride 2 'valid' over the 7x7 map: one window, i.e. the mean.
        Tensor pooled = features.mean(new long[] { 2, 3 });
        (Tensor age, Tensor gender) = fc.call(pooled);
        return (age.MoveToOuterDisposeScope(), gender.MoveToOuterDisposeScope());
    }

    private sealed class EntryFlow : nn.Module<Tensor, Tensor>
    {
        private readonly TfConv conv_in;
        private readonly XceptionReductionBlock reduction_block_0;
        private readonly XceptionReductionBlock reduction_block_1;

        public EntryFlow(string name)
            : base(name)
        {
            conv_in = new TfConv(nameof(conv_in), 3, 32, kernel: 3, stride: 2, samePadding: true);
            reduction_block_0 = new XceptionReductionBlock(nameof(reduction_block_0), 32, 64, activateInput: false);
            reduction_block_1 = new XceptionReductionBlock(nameof(reduction_block_1), 64, 128, activateInput: true);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor x = conv_in.call(input).relu_();
            return reduction_block_1.call(reduction_block_0.call(x)).MoveToOuterDisposeScope();
        }
    }

    private sealed class MiddleFlow : nn.Module<Tensor, Tensor>
    {
        private readonly XceptionMainBlock main_block_0;
        private readonly XceptionMainBlock main_block_1;

        public MiddleFlow(string name)
            : base(name)
        {
            main_block_0 = new XceptionMainBlock(nameof(main_block_0), 128);
            main_block_1 = new XceptionMainBlock(nameof(main_block_1), 128);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return main_block_1.call(main_block_0.call(input)).MoveToOuterDisposeScope();
        }
    }

    private sealed class ExitFlow : nn.Module<Tensor, Tensor>
    {
        private readonly XceptionReductionBlock reduction_block;
        private readonly TfSeparableConv separable_conv;

        public ExitFlow(string name)
            : base(name)
        {
            reduction_block = new XceptionReductionBlock(nameof(reduction_block), 128, 256, activateInput: true);
            separable_conv = new TfSeparableConv(nameof(separable_conv), 256, 512, stride: 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return separable_conv.call(reduction_block.call(input)).relu_().MoveToOuterDisposeScope();
        }
    }

    private sealed class Classifier : nn.Module<Tensor, (Tensor Age, Tensor Gender)>
    {
        private readonly TfFullyConnected age;
        private readonly TfFullyConnected gender;

        public Classifier(string name)
            : base(name)
        {
            age = new TfFullyConnected(nameof(age), 512, 1);
            gender = new TfFullyConnected(nameof(gender), 512, 2);
            RegisterComponents();
        }

        public override (Tensor Age, Tensor Gender) forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor years = age.call(input).squeeze(1);
            Tensor logits = gender.call(input);
            return (years.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
        }
    }
}
