# rtl/rtl.mk: rules for rtl/ (included by the top Makefile).
