# fpga/fpga.mk: rules for fpga/ (included by the top Makefile).
