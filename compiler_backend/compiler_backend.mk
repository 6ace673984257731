# compiler_backend/compiler_backend.mk: rules for compiler_backend/ (included by the top Makefile).
