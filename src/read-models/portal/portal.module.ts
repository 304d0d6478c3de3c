import { Module } from '@nestjs/common';
import { PAYMENT_KOMMUN, paymentKommunFrom } from '../../payments/payments.config.js';
import { PortalController } from './portal.controller.js';

@Module({ controllers: [PortalController], providers: [{ provide: PAYMENT_KOMMUN, useFactory: () => paymentKommunFrom() }] })
export class PortalModule {}
