"""BC's Credit Limit (LCY) on customers (issue 17): a decimal, 0 for none."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0002_customer_customer_name_sort_idx_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="credit_limit_lcy",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                help_text="0 means no credit limit.",
                max_digits=20,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "A credit limit cannot be negative."
                    )
                ],
                verbose_name="credit limit (LCY)",
            ),
        ),
    ]
