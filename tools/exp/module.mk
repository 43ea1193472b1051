# tools/exp/: the experiment runner (docs/experiments.md, "Experiments: tools/exp").
# `make experiments` runs every experiment's --quick sweep into out/exp/ (EXP_ARGS adds
# options: make experiments EXP_ARGS="-j 2"); finished points are kept and skipped.
EXP_OUT ?= out/exp
experiments: $(BUILD)/denali guests $(BENCH_GUEST_ELFS)
	python3 tools/exp/run all --quick --build $(BUILD) --out $(EXP_OUT) $(EXP_ARGS)
.PHONY: experiments
