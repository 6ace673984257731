# driver/driver.mk: rules for driver/ (included by the top Makefile).
